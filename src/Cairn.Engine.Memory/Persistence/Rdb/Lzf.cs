namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// LZF decompression (liblzf's lzf_decompress), for RDB strings Redis stored compressed. Cairn writes strings
/// uncompressed, which every Redis version reads.
/// </summary>
public static class Lzf
{
    /// <summary>
    /// Decompresses <paramref name="input"/> into <paramref name="output"/>. Returns the bytes written, or -1 when the
    /// input is malformed (a back reference before the start, a run past either end).
    /// </summary>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0;
        int op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < 32)
            {
                // A literal run of control + 1 bytes.
                int length = control + 1;
                if (ip + length > input.Length || op + length > output.Length)
                {
                    return -1;
                }
                input.Slice(ip, length).CopyTo(output[op..]);
                ip += length;
                op += length;
                continue;
            }
            // A back reference: length (3 bits, 7 = extended by the next byte) + 2, distance (13 bits) + 1.
            int runLength = control >> 5;
            int reference = op - ((control & 0x1f) << 8) - 1;
            if (runLength == 7)
            {
                if (ip >= input.Length)
                {
                    return -1;
                }
                runLength += input[ip++];
            }
            if (ip >= input.Length)
            {
                return -1;
            }
            reference -= input[ip++];
            runLength += 2;
            if (reference < 0 || op + runLength > output.Length)
            {
                return -1;
            }
            // Byte by byte: the source may overlap what is being written (a repeated pattern).
            for (int i = 0; i < runLength; i++)
            {
                output[op++] = output[reference++];
            }
        }
        return op;
    }
}
