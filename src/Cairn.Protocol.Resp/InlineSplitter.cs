namespace Cairn.Protocol.Resp;

/// <summary>Splits an inline request line into arguments exactly as Redis's sdssplitargs (quotes, escapes, \xHH).</summary>
internal static class InlineSplitter
{
    /// <summary>
    /// REQUIRES: <paramref name="line"/> lies inside <paramref name="output"/> at or after offset line.Length, so unquoted
    /// bytes written from offset 0 never overtake the bytes still to be read.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, byte[] output, CommandArguments arguments)
    {
        int i = 0;
        int w = 0;
        while (true)
        {
            while (i < line.Length && IsSpace(line[i]))
            {
                i++;
            }
            if (i >= line.Length)
            {
                return true;
            }
            int start = w;
            bool inDouble = false;
            bool inSingle = false;
            bool done = false;
            while (!done)
            {
                if (inDouble)
                {
                    if (i >= line.Length)
                    {
                        return false; // unterminated quotes
                    }
                    if (line[i] == '\\' && i + 3 < line.Length && line[i + 1] == 'x' && IsHex(line[i + 2]) && IsHex(line[i + 3]))
                    {
                        output[w++] = (byte)((HexValue(line[i + 2]) << 4) | HexValue(line[i + 3]));
                        i += 4;
                        continue;
                    }
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        output[w++] = line[i] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            _ => line[i],
                        };
                        i++;
                        continue;
                    }
                    if (line[i] == '"')
                    {
                        // The closing quote must be followed by a space or nothing.
                        if (i + 1 < line.Length && !IsSpace(line[i + 1]))
                        {
                            return false;
                        }
                        i++;
                        done = true;
                        continue;
                    }
                    output[w++] = line[i++];
                }
                else if (inSingle)
                {
                    if (i >= line.Length)
                    {
                        return false;
                    }
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] == '\'')
                    {
                        output[w++] = (byte)'\'';
                        i += 2;
                        continue;
                    }
                    if (line[i] == '\'')
                    {
                        if (i + 1 < line.Length && !IsSpace(line[i + 1]))
                        {
                            return false;
                        }
                        i++;
                        done = true;
                        continue;
                    }
                    output[w++] = line[i++];
                }
                else
                {
                    if (i >= line.Length || IsSpace(line[i]))
                    {
                        done = true;
                        continue;
                    }
                    if (line[i] == '"')
                    {
                        inDouble = true;
                        i++;
                        continue;
                    }
                    if (line[i] == '\'')
                    {
                        inSingle = true;
                        i++;
                        continue;
                    }
                    output[w++] = line[i++];
                }
            }
            arguments.Add(output.AsMemory(start, w - start));
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\v' or (byte)'\f';

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => b - 'A' + 10,
    };
}
