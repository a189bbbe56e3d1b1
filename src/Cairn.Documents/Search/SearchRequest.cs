namespace Cairn.Documents.Search;

/// <summary>FT.SEARCH idx query [NOCONTENT] [WITHSCORES] [RETURN n id [AS name]...] [SORTBY f [ASC|DESC]] [LIMIT o n]
/// [PARAMS n k v...] [DIALECT d] and ignored flags.</summary>
public sealed class SearchRequest
{
    public required string Index { get; init; }

    public required string Query { get; init; }

    public bool NoContent { get; init; }

    public bool WithScores { get; init; }

    /// <summary>Null: return the whole document as `$`. Otherwise (identifier, reply name) pairs.</summary>
    public IReadOnlyList<(string Identifier, string Name)>? Return { get; init; }

    public string? SortBy { get; init; }

    public bool SortDescending { get; init; }

    public int Offset { get; init; }

    public int Limit { get; init; } = 10;

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public int Dialect { get; init; } = 2;

    /// <summary>FORMAT EXPAND: RESP3 replies carry JSON values natively (arrays of matches) instead of JSON text.</summary>
    public bool Expand { get; init; }
}
