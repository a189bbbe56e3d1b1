using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Cairn.Primitives;

namespace Cairn.Protocol.Resp;

/// <summary>Redis's number parsing and formatting rules (string2ll, strtod, %.17g, humanfriendly long double).</summary>
public static class NumberFormat
{
    /// <summary>
    /// Redis's string2ll: an optional '-', digits, no leading zeros (except "0"), no spaces, no '+', fits in a long.
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value) => IntegerText.TryParse(text, out value);

    /// <summary>Like strtod as Redis uses it: the whole text, no leading space, "inf"/"-inf"/"+inf" allowed, NaN refused.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 5000 || text[0] == ' ' || text[0] == '\t' || text[^1] == ' ')
        {
            return false;
        }
        if (Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length)
        {
            return !double.IsNaN(value);
        }
        Span<char> chars = stackalloc char[Math.Min(text.Length, 64)];
        if (text.Length > 64)
        {
            return false;
        }
        for (int i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }
        ReadOnlySpan<char> s = chars[..text.Length];
        if (s.Equals("inf", StringComparison.OrdinalIgnoreCase) || s.Equals("+inf", StringComparison.OrdinalIgnoreCase)
            || s.Equals("infinity", StringComparison.OrdinalIgnoreCase) || s.Equals("+infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (s.Equals("-inf", StringComparison.OrdinalIgnoreCase) || s.Equals("-infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }

    /// <summary>Formats as C's "%.17g" (what Redis 7.0 replies for scores and doubles), with inf, -inf and nan.</summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(value))
        {
            "inf"u8.CopyTo(destination);
            return 3;
        }
        if (double.IsNegativeInfinity(value))
        {
            "-inf"u8.CopyTo(destination);
            return 4;
        }
        if (double.IsNaN(value))
        {
            "nan"u8.CopyTo(destination);
            return 3;
        }
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            // Integral values print without exponent or fraction, as %.17g does; keeps "-0" for negative zero.
            if (value == 0 && double.IsNegative(value))
            {
                "-0"u8.CopyTo(destination);
                return 2;
            }
            Utf8Formatter.TryFormat((long)value, destination, out int n);
            return n;
        }
        Utf8Formatter.TryFormat(value, destination, out int written, new StandardFormat('G', 17));
        for (int i = 0; i < written; i++)
        {
            if (destination[i] == 'E')
            {
                destination[i] = (byte)'e';
                // C prints at least two exponent digits: 1e-05.
                int digitsStart = i + 2;
                if (written - digitsStart == 1)
                {
                    destination[digitsStart + 1] = destination[digitsStart];
                    destination[digitsStart] = (byte)'0';
                    written++;
                }
                break;
            }
        }
        return written;
    }

    public static string FormatDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[32];
        int n = FormatDouble(value, tmp);
        return Encoding.ASCII.GetString(tmp[..n]);
    }

    /// <summary>
    /// INCRBYFLOAT's "human friendly" form: fixed notation, no exponent, trailing zeros removed. Redis computes it with a long
    /// double; the shortest round-trip digits of the double give the same text for the values users write.
    /// </summary>
    public static int FormatLongDouble(double value, Span<byte> destination)
    {
        if (double.IsInfinity(value) || double.IsNaN(value))
        {
            return FormatDouble(value, destination);
        }
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            decimal asDecimal;
            try
            {
                asDecimal = (decimal)value;
                text = asDecimal.ToString(CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                text = value.ToString("F0", CultureInfo.InvariantCulture);
            }
            if (text.Contains('.', StringComparison.Ordinal))
            {
                text = text.TrimEnd('0').TrimEnd('.');
            }
        }
        if (text == "-0")
        {
            text = "0";
        }
        return Encoding.ASCII.GetBytes(text, destination);
    }

    public static int FormatInt64(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int n);
        return n;
    }

    public static byte[] Int64ToBytes(long value) => IntegerText.ToBytes(value);
}
