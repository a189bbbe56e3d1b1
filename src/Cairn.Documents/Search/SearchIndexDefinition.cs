namespace Cairn.Documents.Search;

/// <summary>What FT.CREATE declared. Immutable; persisted by <see cref="Serialization.IndexDefinitionCodec"/>.</summary>
public sealed class SearchIndexDefinition
{
    public required string Name { get; init; }

    /// <summary>Key prefixes (bytes); empty means every JSON key.</summary>
    public required IReadOnlyList<byte[]> Prefixes { get; init; }

    public required IReadOnlyList<SearchField> Fields { get; init; }

    /// <summary>Null means the default stopword list; empty means none (STOPWORDS 0).</summary>
    public IReadOnlyList<string>? Stopwords { get; init; }

    /// <summary>SKIPINITIALSCAN: do not index keys that existed before FT.CREATE.</summary>
    public bool SkipInitialScan { get; init; }

    public bool AppliesTo(ReadOnlySpan<byte> key)
    {
        if (Prefixes.Count == 0)
        {
            return true;
        }
        foreach (var prefix in Prefixes)
        {
            if (key.StartsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    public int FieldIndex(string aliasOrPath)
    {
        for (int i = 0; i < Fields.Count; i++)
        {
            if (string.Equals(Fields[i].Alias, aliasOrPath, StringComparison.Ordinal))
            {
                return i;
            }
        }
        for (int i = 0; i < Fields.Count; i++)
        {
            if (string.Equals(Fields[i].Path, aliasOrPath, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
