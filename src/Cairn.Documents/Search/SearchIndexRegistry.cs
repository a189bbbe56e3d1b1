using Cairn.Documents.Json;

namespace Cairn.Documents.Search;

/// <summary>
/// The indexes and aliases of one database, and the maintenance entry points the keyspace calls on every change:
/// <see cref="OnDocumentWritten"/> after any write that leaves a JSON document at a key (JSON.*, RENAME's destination, RESTORE),
/// <see cref="OnKeyDeleted"/> when a key stops holding a JSON document (DEL, UNLINK, expiry, eviction, RENAME's source,
/// overwrite by another type), <see cref="OnFlush"/> on FLUSHDB/FLUSHALL.
/// </summary>
/// <remarks>Thread safety: none; called on the keyspace's thread. Index names and aliases are case-sensitive.</remarks>
public sealed class SearchIndexRegistry
{
    private readonly Dictionary<string, SearchIndex> _indexes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);

    public IEnumerable<SearchIndex> Indexes => _indexes.Values;

    /// <summary>The indexes as the concrete collection, for loops on every write (no enumerator allocation).</summary>
    public Dictionary<string, SearchIndex>.ValueCollection IndexValues => _indexes.Values;

    /// <summary>How many indexes the database has: writes check this first (nearly always none).</summary>
    public int Count => _indexes.Count;

    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    public bool TryGet(string nameOrAlias, out SearchIndex index)
    {
        if (_indexes.TryGetValue(nameOrAlias, out index!))
        {
            return true;
        }
        return _aliases.TryGetValue(nameOrAlias, out string? target) && _indexes.TryGetValue(target, out index!);
    }

    /// <summary>Creates an index and starts its backfill over <paramref name="existingKeys"/> (a snapshot of the key names;
    /// each is looked up again when the backfill reaches it). Call <see cref="SearchIndex.BackfillStep"/> until it returns true.</summary>
    public bool TryCreate(SearchIndexDefinition definition, List<byte[]> existingKeys, Func<byte[], JsonValue?> lookup, out SearchIndex index, out string error)
    {
        if (_indexes.ContainsKey(definition.Name))
        {
            index = null!;
            error = "Index already exists";
            return false;
        }
        index = new SearchIndex(definition);
        _indexes[definition.Name] = index;
        index.BeginBackfill(definition.SkipInitialScan ? [] : existingKeys, lookup);
        error = "";
        return true;
    }

    /// <summary>After a restart: recreates indexes from persisted definitions and aliases, each backfilling from the keyspace.</summary>
    public void Restore(IReadOnlyList<SearchIndexDefinition> definitions, IReadOnlyDictionary<string, string> aliases,
        Func<List<byte[]>> snapshotKeys, Func<byte[], JsonValue?> lookup)
    {
        foreach (var definition in definitions)
        {
            TryCreate(definition, snapshotKeys(), lookup, out _, out _);
        }
        foreach (var (alias, index) in aliases)
        {
            _aliases[alias] = index;
        }
    }

    /// <summary>The definitions to persist (with <see cref="Aliases"/>) via Serialization.IndexDefinitionCodec.</summary>
    public List<SearchIndexDefinition> Definitions()
    {
        var definitions = new List<SearchIndexDefinition>();
        foreach (var index in _indexes.Values)
        {
            definitions.Add(index.Definition);
        }
        definitions.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return definitions;
    }

    public bool Drop(string name)
    {
        if (!_indexes.Remove(name))
        {
            return false;
        }
        var stale = new List<string>();
        foreach (var (alias, target) in _aliases)
        {
            if (target == name)
            {
                stale.Add(alias);
            }
        }
        foreach (string alias in stale)
        {
            _aliases.Remove(alias);
        }
        return true;
    }

    public string? AliasAdd(string alias, string index, bool update)
    {
        if (!_indexes.ContainsKey(index))
        {
            return "Unknown index name (or name is an alias itself)";
        }
        if (!update && _aliases.ContainsKey(alias))
        {
            return "Alias already exists";
        }
        _aliases[alias] = index;
        return null;
    }

    public string? AliasDelete(string alias) => _aliases.Remove(alias) ? null : "Alias does not exist";

    public void OnDocumentWritten(byte[] key, JsonValue document)
    {
        foreach (var index in _indexes.Values)
        {
            if (index.Definition.AppliesTo(key))
            {
                index.Upsert(key, document);
            }
        }
    }

    public void OnKeyDeleted(ReadOnlySpan<byte> key)
    {
        foreach (var index in _indexes.Values)
        {
            if (index.Definition.AppliesTo(key))
            {
                index.Remove(key);
            }
        }
    }

    /// <summary>Keeps the definitions, drops every indexed document (FLUSHALL empties indexes, it does not drop them).</summary>
    public void OnFlush()
    {
        foreach (var index in _indexes.Values)
        {
            index.Clear();
        }
    }

    /// <summary>Runs pending backfills for at most <paramref name="maxKeys"/> keys in total; true when none remain.</summary>
    public bool BackfillStep(int maxKeys)
    {
        bool done = true;
        foreach (var index in _indexes.Values)
        {
            if (index.Indexing)
            {
                done &= index.BackfillStep(maxKeys);
            }
        }
        return done;
    }
}
