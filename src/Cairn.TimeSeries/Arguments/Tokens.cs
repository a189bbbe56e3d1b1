using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Cairn.TimeSeries.Arguments;

/// <summary>Reading single argument tokens: keywords (ASCII case-insensitive), integers as Redis parses them, doubles.</summary>
internal static class Tokens
{
    public static bool Is(ReadOnlyMemory<byte> token, ReadOnlySpan<byte> keyword) => Ascii.EqualsIgnoreCase(token.Span, keyword);

    /// <summary>A decimal integer with nothing else around it (no '+', no spaces), as Redis's string2ll accepts.</summary>
    public static bool TryParseLong(ReadOnlyMemory<byte> token, out long value)
    {
        ReadOnlySpan<byte> span = token.Span;
        value = 0;
        if (span.IsEmpty || span[0] == (byte)'+' || span.Length > 20)
        {
            return false;
        }
        return Utf8Parser.TryParse(span, out value, out int consumed) && consumed == span.Length;
    }

    /// <summary>A double; accepts inf, +inf, -inf and nan in any case (RedisTimeSeries's parser does).</summary>
    public static bool TryParseDouble(ReadOnlyMemory<byte> token, out double value)
    {
        ReadOnlySpan<byte> span = token.Span;
        value = 0;
        if (span.IsEmpty || span.Length > 64)
        {
            return false;
        }
        if (Ascii.EqualsIgnoreCase(span, "inf"u8) || Ascii.EqualsIgnoreCase(span, "+inf"u8) || Ascii.EqualsIgnoreCase(span, "infinity"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(span, "-inf"u8) || Ascii.EqualsIgnoreCase(span, "-infinity"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(span, "nan"u8))
        {
            value = double.NaN;
            return true;
        }
        foreach (byte b in span)
        {
            // Only digits, sign, point and exponent: keeps .NET's "NaN"/"∞"/whitespace spellings out.
            if (!(b is >= (byte)'0' and <= (byte)'9' || b is (byte)'+' or (byte)'-' or (byte)'.' or (byte)'e' or (byte)'E'))
            {
                return false;
            }
        }
        return double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static string Text(ReadOnlyMemory<byte> token) => Encoding.UTF8.GetString(token.Span);

    public static string Arity(string command) => $"ERR wrong number of arguments for '{command}' command";
}
