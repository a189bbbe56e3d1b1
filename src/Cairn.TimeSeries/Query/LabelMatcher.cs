using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Query;

/// <summary>
/// One FILTER expression: <c>l=v</c>, <c>l!=v</c>, <c>l=</c> (no label l), <c>l!=</c> (has label l), <c>l=(a,b)</c>,
/// <c>l!=(a,b)</c>. An empty <see cref="Values"/> list is the "label absent / present" form.
/// </summary>
public sealed record LabelMatcher(string Name, bool Negated, IReadOnlyList<string> Values)
{
    /// <summary>True for matchers that name the series they select (l=v, l=(a,b)), which the index can enumerate.</summary>
    public bool IsPositive => !Negated && Values.Count > 0;

    public bool Matches(IReadOnlyList<Label> labels)
    {
        string? actual = null;
        foreach (Label label in labels)
        {
            if (label.Name == Name)
            {
                actual = label.Value;
                break;
            }
        }
        if (Values.Count == 0)
        {
            return Negated ? actual is not null : actual is null;
        }
        bool inSet = false;
        if (actual is not null)
        {
            foreach (string value in Values)
            {
                if (value == actual)
                {
                    inSet = true;
                    break;
                }
            }
        }
        return Negated ? !inSet : inSet;
    }
}
