using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cairn.Primitives;

/// <summary>
/// CRC-32C (Castagnoli), the checksum carried by every durable record. Uses the SSE4.2/ARMv8 instruction when present.
/// Inputs of at least <see cref="InterleavedBytes"/> run three independent CRCs side by side over three lanes of
/// <see cref="Lane"/> bytes and join them (<see cref="ShiftByLane"/>): the instruction can start one every cycle but each
/// result takes three, so one chain alone runs at a third of the instruction's rate. The AOF thread's frame runs
/// (1-2 KiB records) and the snapshot's chunks are what this is for.
/// </summary>
public static class Crc32C
{
    /// <summary>Bytes per lane of the interleaved loop.</summary>
    private const int Lane = 256;

    /// <summary>The shortest input the interleaved loop takes.</summary>
    public const int InterleavedBytes = 3 * Lane;

    /// <summary>
    /// ShiftTable[k * 256 + b]: the CRC register reached from register <c>b &lt;&lt; 8k</c> by <see cref="Lane"/> zero
    /// bytes. Feeding zeros is linear in the register, so any register shifts as the XOR of its four bytes' entries.
    /// </summary>
    private static readonly uint[] ShiftTable = BuildShiftTable();

    private static readonly bool Interleave = System.Runtime.Intrinsics.X86.Sse42.X64.IsSupported
        || System.Runtime.Intrinsics.Arm.Crc32.Arm64.IsSupported;

    /// <summary>Computes the CRC-32C of <paramref name="data"/>, continuing from <paramref name="crc"/> (0 to start).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        if (Interleave && data.Length >= InterleavedBytes)
        {
            int blocks = data.Length / InterleavedBytes;
            c = AppendInterleaved(c, data[..(blocks * InterleavedBytes)]);
            data = data[(blocks * InterleavedBytes)..];
        }
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

    /// <summary>The raw register <paramref name="c"/> carried over <paramref name="data"/>, a whole number of 3-lane blocks.</summary>
    private static uint AppendInterleaved(uint c, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        for (int block = 0; block < data.Length; block += InterleavedBytes)
        {
            ref byte lane0 = ref Unsafe.Add(ref p, block);
            uint c1 = 0;
            uint c2 = 0;
            for (int i = 0; i < Lane; i += 8)
            {
                c = BitOperations.Crc32C(c, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane0, i)));
                c1 = BitOperations.Crc32C(c1, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane0, Lane + i)));
                c2 = BitOperations.Crc32C(c2, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane0, (2 * Lane) + i)));
            }
            // The register after all three lanes: lane 0's carried over two lanes of zeros, lane 1's over one, and lane 2's.
            c = ShiftByLane(ShiftByLane(c) ^ c1) ^ c2;
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ShiftByLane(uint c)
    {
        uint[] t = ShiftTable;
        return t[(int)(c & 0xff)] ^ t[256 + (int)((c >> 8) & 0xff)] ^ t[512 + (int)((c >> 16) & 0xff)] ^ t[768 + (int)(c >> 24)];
    }

    private static uint[] BuildShiftTable()
    {
        var table = new uint[4 * 256];
        for (int k = 0; k < 4; k++)
        {
            for (uint b = 0; b < 256; b++)
            {
                uint r = b << (8 * k);
                for (int i = 0; i < Lane; i += 8)
                {
                    r = BitOperations.Crc32C(r, 0UL);
                }
                table[(k * 256) + (int)b] = r;
            }
        }
        return table;
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
