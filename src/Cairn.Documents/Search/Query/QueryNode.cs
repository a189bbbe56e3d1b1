namespace Cairn.Documents.Search.Query;

/// <summary>A node of a parsed query. Field is a schema index (-1 for a term over all TEXT fields).</summary>
public sealed class QueryNode
{
    public required QueryNodeKind Kind { get; init; }

    public int Field { get; init; } = -1;

    /// <summary>Tag values (exact) for Tag; the single term for Term.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Tag prefixes (`{pre*}`) for Tag.</summary>
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    /// <summary>For Term: match every term starting with Values[0].</summary>
    public bool IsPrefix { get; init; }

    public double Minimum { get; init; } = double.NegativeInfinity;

    public double Maximum { get; init; } = double.PositiveInfinity;

    public bool MinimumExclusive { get; init; }

    public bool MaximumExclusive { get; init; }

    public IReadOnlyList<QueryNode> Children { get; init; } = [];

    /// <summary>For Intersect built from a quoted phrase: the terms must also be adjacent and in order (Values of the children).</summary>
    public bool IsPhrase { get; init; }

    /// <summary>For Element: the array the child's fields live in, e.g. "$.items[*]".</summary>
    public string? ElementPrefix { get; init; }

    public bool InRange(double value) =>
        (MinimumExclusive ? value > Minimum : value >= Minimum) && (MaximumExclusive ? value < Maximum : value <= Maximum);
}
