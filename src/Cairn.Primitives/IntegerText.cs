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

    /// <summary>
    /// The count or length of a RESP header line as the plain-frame scan takes it (RequestParser.TrySkipFrame, and the
    /// AOF's frame runs, which hold what that scan took): from <paramref name="pos"/>, digits up to '\r', accepting
    /// only what string2ll accepts without a sign (no leading zeros, at most 18 digits), then skips the byte after the
    /// '\r'. False otherwise or when incomplete.
    /// </summary>
    public static bool TryReadPlainHeader(ReadOnlySpan<byte> span, ref int pos, out long value)
    {
        value = 0;
        int start = pos;
        int i = pos;
        while (i < span.Length && (uint)(span[i] - '0') <= 9)
        {
            value = (value * 10) + (span[i] - '0');
            i++;
        }
        int digits = i - start;
        if (digits == 0 || digits > 18 || (digits > 1 && span[start] == '0') || i + 1 >= span.Length || span[i] != '\r')
        {
            return false;
        }
        pos = i + 2;
        return true;
    }
}
