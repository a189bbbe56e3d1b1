using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Arguments;

/// <summary>
/// FILTER expressions: <c>l=v</c>, <c>l!=v</c>, <c>l=</c>, <c>l!=</c>, <c>l=(a,b)</c>, <c>l!=(a,b)</c>. A list must hold at
/// least one positive matcher (<c>l=v</c> or <c>l=(a,b)</c>), as RedisTimeSeries requires, so a query never scans every key.
/// </summary>
internal static class FilterParser
{
    public static string? TryParse(ReadOnlySpan<ReadOnlyMemory<byte>> expressions, out List<LabelMatcher> matchers)
    {
        matchers = new List<LabelMatcher>(expressions.Length);
        if (expressions.IsEmpty)
        {
            return TsErrors.MissingFilter;
        }
        bool anyPositive = false;
        foreach (ReadOnlyMemory<byte> expression in expressions)
        {
            if (!TryParseOne(Tokens.Text(expression), out LabelMatcher? matcher))
            {
                return TsErrors.InvalidFilter;
            }
            anyPositive |= matcher.IsPositive;
            matchers.Add(matcher);
        }
        return anyPositive ? null : TsErrors.NoPositiveMatcher;
    }

    private static bool TryParseOne(string expression, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LabelMatcher? matcher)
    {
        matcher = null;
        int equals = expression.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }
        bool negated = expression[equals - 1] == '!';
        string name = expression[..(negated ? equals - 1 : equals)];
        string value = expression[(equals + 1)..];
        if (name.Length == 0)
        {
            return false;
        }
        var values = new List<string>();
        if (value.Length >= 2 && value[0] == '(' && value[^1] == ')')
        {
            foreach (string item in value[1..^1].Split(','))
            {
                string trimmed = item.Trim();
                if (trimmed.Length > 0)
                {
                    values.Add(trimmed);
                }
            }
            if (values.Count == 0)
            {
                return false;
            }
        }
        else if (value.Length > 0)
        {
            values.Add(value);
        }
        matcher = new LabelMatcher(name, negated, values);
        return true;
    }
}
