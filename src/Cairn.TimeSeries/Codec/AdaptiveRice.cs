using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Golomb-Rice coding of unsigned integers with the parameter k adapted to the recent mean, as LOCO-I (JPEG-LS) does:
/// k is the smallest with <c>count &lt;&lt; k &gt;= sum</c>, over a window that halves every <see cref="WindowSamples"/>.
/// A value z is written as <c>q = z &gt;&gt; k</c> one bits, a zero, and the low k bits; when q would reach
/// <see cref="EscapeOnes"/>, the code is that many one bits instead, and the caller writes the value its own way
/// (<see cref="TryWrite"/> returns false; <see cref="TryRead"/> reports the escape). Everything is integer arithmetic, so
/// encoder and decoder adapt identically. A value type: copying it snapshots the state. Not thread-safe.
/// </summary>
internal struct AdaptiveRice
{
    public const int EscapeOnes = 16;

    private const int WindowSamples = 32;
    private const ulong SumCap = 1UL << 40;

    private ulong _sum;
    private int _count;

    public static AdaptiveRice Initial => new() { _sum = 0, _count = 1 };

    public readonly int K
    {
        get
        {
            // The smallest k with count << k >= sum; sum stays below 2^46 (32 capped values), so k <= 46 and no shift overflows.
            if (_sum <= (ulong)_count)
            {
                return 0;
            }
            int k = Math.Max(0, BitOperations.Log2(_sum) - BitOperations.Log2((ulong)_count));
            while (k > 0 && ((ulong)_count << (k - 1)) >= _sum)
            {
                k--;
            }
            while (((ulong)_count << k) < _sum)
            {
                k++;
            }
            return k;
        }
    }

    /// <summary>Writes z unless it needs an escape, in which case it writes the escape ones and returns false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool TryWrite(BitWriter writer, ulong z)
    {
        int k = K;
        ulong q = z >> k;
        if (q >= EscapeOnes)
        {
            writer.WriteBits((1UL << EscapeOnes) - 1, EscapeOnes);
            return false;
        }
        // q ones, a zero, then k bits: one write when they fit in 56 bits, else two.
        int prefixBits = (int)q + 1;
        ulong prefix = ((1UL << (int)q) - 1) << 1;
        ulong low = z & ((1UL << k) - 1);
        if (prefixBits + k <= 56)
        {
            writer.WriteBits((prefix << k) | low, prefixBits + k);
        }
        else
        {
            writer.WriteBits(prefix, prefixBits);
            writer.WriteBits(low, k);
        }
        return true;
    }

    /// <summary>Reads one code: true with the value, or false after the escape ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool TryRead(ref BitReader reader, out ulong z)
    {
        int q = reader.ReadOnes(EscapeOnes);
        if (q == EscapeOnes)
        {
            z = 0;
            return false;
        }
        int k = K;
        z = ((ulong)q << k) | reader.ReadBits(k);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Update(ulong z)
    {
        _sum += Math.Min(z, SumCap);
        _count++;
        if (_count >= WindowSamples)
        {
            _sum >>= 1;
            _count >>= 1;
        }
    }

    /// <summary>
    /// The values to come are the same magnitudes shifted right by <paramref name="bits"/> (left when negative): scale
    /// what was learnt, so k follows at once instead of over a few windows.
    /// </summary>
    public void Rescale(int bits)
    {
        if (bits >= 0)
        {
            _sum >>= Math.Min(bits, 63);
        }
        else
        {
            int left = Math.Min(-bits, 63);
            _sum = _sum > (SumCap * WindowSamples) >> left ? SumCap * WindowSamples : _sum << left;
        }
    }

    /// <summary>The escape alone, for a value the caller will not Rice-code whatever its size.</summary>
    public static void WriteEscape(BitWriter writer) => writer.WriteBits((1UL << EscapeOnes) - 1, EscapeOnes);

    /// <summary>An escaped value: 7 bits of bit length (0..64), then that many bits.</summary>
    public static void WriteRaw(BitWriter writer, ulong value)
    {
        int length = 64 - BitOperations.LeadingZeroCount(value);
        writer.WriteBits((ulong)length, 7);
        writer.WriteBits(value, length);
    }

    public static ulong ReadRaw(ref BitReader reader)
    {
        int length = (int)reader.ReadBits(7);
        Cairn.Primitives.Invariant.Require(length <= 64, "corrupt escaped value length");
        return reader.ReadBits(length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
