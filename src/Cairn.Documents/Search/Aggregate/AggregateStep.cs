namespace Cairn.Documents.Search.Aggregate;

/// <summary>One pipeline step of FT.AGGREGATE, in the order given.</summary>
public sealed class AggregateStep
{
    public required AggregateStepKind Kind { get; init; }

    /// <summary>Load: (identifier, name) pairs ("*" loads `$`). GroupBy: the group fields. SortBy: the keys.</summary>
    public IReadOnlyList<(string Identifier, string Name)> Fields { get; init; } = [];

    public IReadOnlyList<Reducer> Reducers { get; init; } = [];

    /// <summary>SortBy: per key, true for DESC.</summary>
    public IReadOnlyList<bool> Descending { get; init; } = [];

    public ExpressionNode? Expression { get; init; }

    /// <summary>Apply: the AS name.</summary>
    public string Name { get; init; } = "";

    public int Offset { get; init; }

    /// <summary>Limit: the count; SortBy: MAX (0 for none).</summary>
    public int Count { get; init; }
}
