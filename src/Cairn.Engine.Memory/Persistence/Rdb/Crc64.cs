namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Redis's crc64 (crc-64-jones): polynomial 0xad93d23594c935a9, reflected input and output, initial value 0, no final
/// xor; check value 0xe9c6d914c4b8d9ca for "123456789". Not System.IO.Hashing.Crc64 (that is ECMA-182, unreflected).
/// It guards DUMP payloads and RDB files. Table-driven, one byte at a time; thread-safe (the table is immutable).
/// </summary>
public static class Crc64
{
    /// <summary>The polynomial bit-reversed, for the reflected (LSB-first) algorithm.</summary>
    private const ulong ReflectedPolynomial = 0x95ac9329ac4bc9b5UL;

    private static readonly ulong[] s_table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> (0 to start) over <paramref name="data"/>.</summary>
    public static ulong Compute(ReadOnlySpan<byte> data, ulong crc = 0)
    {
        ulong[] table = s_table;
        foreach (byte b in data)
        {
            crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        }
        return crc;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (uint i = 0; i < 256; i++)
        {
            ulong crc = i;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }
            table[i] = crc;
        }
        return table;
    }
}
