namespace Cairn.Documents.Search.Aggregate;

/// <summary>FT.AGGREGATE idx query [LOAD ...] [GROUPBY ... REDUCE ...]* [APPLY e AS n]* [FILTER e]* [SORTBY ...] [LIMIT o n] [PARAMS ...] [DIALECT d].</summary>
public sealed class AggregateRequest
{
    public required string Index { get; init; }

    public required string Query { get; init; }

    public required IReadOnlyList<AggregateStep> Steps { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>FORMAT EXPAND (accepted for RediSearch compatibility; Cairn answers it with an error, see the executor).</summary>
    public bool Expand { get; init; }
}
