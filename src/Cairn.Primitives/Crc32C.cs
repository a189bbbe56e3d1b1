using System.Numerics;
using System.Runtime.InteropServices;

namespace Cairn.Primitives;

/// <summary>CRC-32C (Castagnoli), the checksum carried by every durable record. Uses the SSE4.2/ARMv8 instruction when present.</summary>
public static class Crc32C
{
    /// <summary>Computes the CRC-32C of <paramref name="data"/>, continuing from <paramref name="crc"/> (0 to start).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        var longs = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in longs)
        {
            c = BitOperations.Crc32C(c, word);
        }
        foreach (byte b in data[(longs.Length * 8)..])
        {
            c = BitOperations.Crc32C(c, b);
        }
        return ~c;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>LevelDB-style masking so that a CRC stored next to the data it covers does not checksum to a fixed point.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8u;

    public static uint Unmask(uint masked)
    {
        uint rot = masked - 0xa282ead8u;
        return (rot >> 17) | (rot << 15);
    }
}
