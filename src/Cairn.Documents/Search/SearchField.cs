using Cairn.Documents.Path;

namespace Cairn.Documents.Search;

/// <summary>One SCHEMA entry: `$.path AS alias TYPE [SORTABLE] [SEPARATOR c] [CASESENSITIVE]`.</summary>
/// <remarks>
/// When the path contains a wildcard over an array followed by more steps (`$.items[*].sku`), values remember the ordinal of the
/// array element they came from (<see cref="ElementPrefix"/> is `$.items[*]`), which is what same-element queries match on.
/// </remarks>
public sealed class SearchField
{
    public required string Path { get; init; }

    public required string Alias { get; init; }

    public required SearchFieldType Type { get; init; }

    public bool Sortable { get; init; }

    public char Separator { get; init; } = ',';

    public bool CaseSensitive { get; init; }

    public double Weight { get; init; } = 1.0;

    public required JsonPath CompiledPath { get; init; }

    /// <summary>Segments up to and including the first array wildcard that has further steps; null when there is none.</summary>
    public JsonPath? ElementPrefix { get; init; }

    /// <summary>Segments after <see cref="ElementPrefix"/>.</summary>
    public IReadOnlyList<PathSegment> ElementRest { get; init; } = [];

    /// <summary>Normalized text of the element prefix (e.g. "$.items[*]"), used to group fields of the same array.</summary>
    public string? ElementPrefixText { get; init; }
}
