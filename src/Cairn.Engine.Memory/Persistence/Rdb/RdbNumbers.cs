using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Number texts inside RDB values: Redis 7.0's d2string (how a listpack sorted set stores a score) and strtod for the
/// scores Redis wrote as text. Kept here because the engine does not reference the protocol layer's NumberFormat.
/// </summary>
public static class RdbNumbers
{
    /// <summary>Longest text <see cref="FormatDouble"/> writes.</summary>
    public const int MaxDoubleChars = 32;

    /// <summary>d2string (Redis 7.0): nan, inf, -inf, "-0", integers below 2^52 as integers, else %.17g.</summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("nan"u8, destination);
        }
        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "inf"u8 : "-inf"u8, destination);
        }
        if (value == 0)
        {
            return Copy(double.IsNegative(value) ? "-0"u8 : "0"u8, destination);
        }
        if (value > -4503599627370495.0 && value < 4503599627370496.0 && value == Math.Truncate(value))
        {
            Utf8Formatter.TryFormat((long)value, destination, out int n);
            return n;
        }
        // %.17g: 17 significant digits, trailing zeros dropped, exponent form when the exponent is < -4 or >= 17.
        Utf8Formatter.TryFormat(value, destination, out int written, new StandardFormat('G', 17));
        for (int i = 0; i < written; i++)
        {
            if (destination[i] == 'E')
            {
                destination[i] = (byte)'e';
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

    /// <summary>strtod over the whole text, as Redis parses a stored score; nan is refused.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 512)
        {
            return false;
        }
        ReadOnlySpan<byte> body = text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        string s = Encoding.ASCII.GetString(text);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
