namespace Cairn.Commands.Strings;

/// <summary>
/// Bit-field access and overflow rules of bitops.c: fields are big-endian bit strings starting at any bit offset, and
/// the overflow checks treat values as Redis does (two's complement wrap, saturation at the type's limits).
/// </summary>
internal static class BitfieldMath
{
    public static ulong GetUnsigned(ReadOnlySpan<byte> bytes, long offset, int bits)
    {
        ulong value = 0;
        for (int j = 0; j < bits; j++, offset++)
        {
            int bit = (bytes[(int)(offset >> 3)] >> (7 - (int)(offset & 7))) & 1;
            value = (value << 1) | (uint)bit;
        }
        return value;
    }

    public static long GetSigned(ReadOnlySpan<byte> bytes, long offset, int bits)
    {
        ulong value = GetUnsigned(bytes, offset, bits);
        if (bits < 64 && (value & (1UL << (bits - 1))) != 0)
        {
            value |= ulong.MaxValue << bits;
        }
        return (long)value;
    }

    public static void SetUnsigned(Span<byte> bytes, long offset, int bits, ulong value)
    {
        for (int j = 0; j < bits; j++, offset++)
        {
            int bit = (int)((value >> (bits - 1 - j)) & 1);
            int index = (int)(offset >> 3);
            int mask = 1 << (7 - (int)(offset & 7));
            bytes[index] = (byte)(bit == 1 ? bytes[index] | mask : bytes[index] & ~mask);
        }
    }

    /// <summary>checkUnsignedBitfieldOverflow: true on overflow; <paramref name="limit"/> is the wrapped or saturated value.</summary>
    public static bool CheckUnsignedOverflow(ulong value, long increment, int bits, BitfieldOverflow mode, out ulong limit)
    {
        ulong max = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        long maxIncrement = unchecked((long)(max - value));
        long minIncrement = unchecked(-(long)value);
        limit = 0;
        if (value > max || (increment > 0 && increment > maxIncrement))
        {
            limit = mode == BitfieldOverflow.Wrap ? Wrap(value, increment, bits) : max;
            return true;
        }
        if (increment < 0 && increment < minIncrement)
        {
            limit = mode == BitfieldOverflow.Wrap ? Wrap(value, increment, bits) : 0;
            return true;
        }
        return false;
    }

    private static ulong Wrap(ulong value, long increment, int bits)
    {
        ulong sum = unchecked(value + (ulong)increment);
        return bits == 64 ? sum : sum & ~(ulong.MaxValue << bits);
    }

    /// <summary>checkSignedBitfieldOverflow: true on overflow; <paramref name="limit"/> is the wrapped or saturated value.</summary>
    public static bool CheckSignedOverflow(long value, long increment, int bits, BitfieldOverflow mode, out long limit)
    {
        long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        // Either may wrap; each is used only once 'value' is known to be in range, where it does not.
        long maxIncrement = unchecked((long)((ulong)max - (ulong)value));
        long minIncrement = unchecked(min - value);
        limit = 0;
        if (value > max || (bits != 64 && increment > maxIncrement) || (value >= 0 && increment > 0 && increment > maxIncrement))
        {
            limit = mode == BitfieldOverflow.Wrap ? WrapSigned(value, increment, bits) : max;
            return true;
        }
        if (value < min || (bits != 64 && increment < minIncrement) || (value < 0 && increment < 0 && increment < minIncrement))
        {
            limit = mode == BitfieldOverflow.Wrap ? WrapSigned(value, increment, bits) : min;
            return true;
        }
        return false;
    }

    private static long WrapSigned(long value, long increment, int bits)
    {
        ulong sum = unchecked((ulong)value + (ulong)increment);
        if (bits < 64)
        {
            ulong mask = ulong.MaxValue << bits;
            sum = (sum & (1UL << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
        }
        return (long)sum;
    }
}
