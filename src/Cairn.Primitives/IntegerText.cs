using System.Buffers.Text;

namespace Cairn.Primitives;

/// <summary>
/// Redis's string2ll and ll2string: the canonical decimal text of a long. It decides what Redis treats as an integer
/// everywhere (INCR arguments, intset members, listpack integer entries, OBJECT ENCODING "int").
/// </summary>
public static class IntegerText
{
    public const int MaxLength = 20;

    /// <summary>An optional '-', digits without leading zeros (except "0"), fitting in a long: the canonical text of a long.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxLength)
        {
            return false;
        }
        if (text.Length == 1 && text[0] == '0')
        {
            return true;
        }
        bool negative = text[0] == '-';
        int i = negative ? 1 : 0;
        if (i >= text.Length || text[i] < '1' || text[i] > '9')
        {
            return false;
        }
        ulong magnitude = 0;
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9 || magnitude > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }
            magnitude = magnitude * 10 + digit;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }
            value = (long)(0 - magnitude);
            return true;
        }
        if (magnitude > long.MaxValue)
        {
            return false;
        }
        value = (long)magnitude;
        return true;
    }

    public static int Format(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int written);
        return written;
    }

    public static byte[] ToBytes(long value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return buffer[..Format(value, buffer)].ToArray();
    }

    /// <summary>Characters of the decimal text of <paramref name="value"/> (Redis's sdigits10).</summary>
    public static int DigitCount(long value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return Format(value, buffer);
    }
}
