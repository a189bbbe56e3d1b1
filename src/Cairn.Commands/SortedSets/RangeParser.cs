using Cairn.Engine.Memory.SortedSets;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.SortedSets;

/// <summary>Redis's zslParseRange and zslParseLexRange: "(" or "[" prefixes, "-inf"/"+inf", "-"/"+".</summary>
internal static class RangeParser
{
    public const string NotAFloat = "ERR min or max is not a float";
    public const string NotAStringRange = "ERR min or max not valid string range item";

    public static bool TryParseScoreRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseScoreBound(min, out double minimum, out bool minimumExclusive)
            || !TryParseScoreBound(max, out double maximum, out bool maximumExclusive))
        {
            return false;
        }
        range = new ScoreRange(minimum, minimumExclusive, maximum, maximumExclusive);
        return true;
    }

    public static bool TryParseLexRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!LexBound.TryParse(min, out LexBound minimum) || !LexBound.TryParse(max, out LexBound maximum))
        {
            return false;
        }
        range = new LexRange(minimum, maximum);
        return true;
    }

    private static bool TryParseScoreBound(ReadOnlySpan<byte> text, out double value, out bool exclusive)
    {
        exclusive = text.Length > 0 && text[0] == '(';
        if (exclusive)
        {
            text = text[1..];
        }
        // strtod: an empty text converts to 0 with the end pointer at the terminator, so Redis accepts it; leading
        // white space is skipped, but white space alone converts nothing.
        value = 0;
        if (text.IsEmpty)
        {
            return true;
        }
        int start = 0;
        while (start < text.Length && IsSpace(text[start]))
        {
            start++;
        }
        return start < text.Length && NumberFormat.TryParseDouble(text[start..], out value);
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
