using System.Buffers;
using Cairn.Commands.Json;
using Cairn.Documents.Search;
using Cairn.Documents.Serialization;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Commands.Search;

/// <summary>
/// The search indexes of the node: one <see cref="SearchIndexRegistry"/> per database, kept in step with the keyspace.
/// Every write reaches <see cref="OnModified"/> (from CommandContext.Modified), which re-indexes the key if it holds a
/// document and drops it from the indexes otherwise (a JSON key overwritten by SET, RENAME's destination, MOVE, COPY);
/// removals the engine does on its own (expiry, eviction, DEL's RemoveAt) arrive through <see cref="OnKeyRemoved"/>;
/// FLUSHDB/FLUSHALL call <see cref="OnFlush"/>, SWAPDB <see cref="OnSwap"/>. Index definitions stay with the database
/// number. Thread safety: none; everything runs under the store lock.
/// </summary>
public sealed class DocumentIndexes : IKeyspaceListener
{
    /// <summary>Name of the snapshot's auxiliary record holding every database's index definitions.</summary>
    public const string SnapshotAuxName = "search-indexes";

    /// <summary>Keys FT.CREATE indexes before replying; larger data sets finish in the cron.</summary>
    public const int SynchronousBackfillKeys = 10_000;

    /// <summary>Keys the cron indexes per tick, over all databases.</summary>
    public const int BackfillKeysPerTick = 1_000;

    private readonly Execution.ServerContext _server;
    private readonly SearchIndexRegistry[] _registries;
    private bool _backfillPending;

    public DocumentIndexes(Execution.ServerContext server, int databaseCount)
    {
        _server = server;
        _registries = new SearchIndexRegistry[databaseCount];
        for (int i = 0; i < databaseCount; i++)
        {
            _registries[i] = new SearchIndexRegistry();
        }
    }

    public SearchIndexRegistry For(int database) => _registries[database];

    /// <summary>Set when an index has keys left to backfill; the cron then calls <see cref="BackfillStep"/>.</summary>
    public void MarkBackfillPending() => _backfillPending = true;

    public bool BackfillPending => _backfillPending;

    /// <summary>Cron: indexes at most <paramref name="maxKeys"/> pending keys in total.</summary>
    public void BackfillStep(int maxKeys)
    {
        if (!_backfillPending)
        {
            return;
        }
        bool done = true;
        foreach (SearchIndexRegistry registry in _registries)
        {
            done &= registry.BackfillStep(maxKeys);
        }
        _backfillPending = !done;
    }

    /// <summary>A key of <paramref name="database"/> was written or deleted: bring every index that covers it up to date.</summary>
    public void OnModified(Database database, ReadOnlySpan<byte> key)
    {
        SearchIndexRegistry registry = _registries[database.Index];
        if (!Covers(registry, key))
        {
            return;
        }
        int slot = database.FindRaw(key);
        if (slot >= 0 && database.EntryAt(slot).Value is JsonDocumentObject document)
        {
            registry.OnDocumentWritten(database.KeyAt(slot), document.Root);
        }
        else
        {
            registry.OnKeyDeleted(key);
        }
    }

    private static bool Covers(SearchIndexRegistry registry, ReadOnlySpan<byte> key)
    {
        // Runs for every write: nothing but a count without indexes, a struct enumerator with them.
        if (registry.Count == 0)
        {
            return false;
        }
        foreach (SearchIndex index in registry.IndexValues)
        {
            if (index.Definition.AppliesTo(key))
            {
                return true;
            }
        }
        return false;
    }

    public void OnKeyExpired(Database database, byte[] key)
    {
        // The removal itself arrived through OnKeyRemoved.
    }

    public void OnKeyRemoved(Database database, byte[] key, object value)
    {
        if (value is JsonDocumentObject)
        {
            _registries[database.Index].OnKeyDeleted(key);
        }
    }

    public void OnFlush(int database) => _registries[database].OnFlush();

    /// <summary>SWAPDB: definitions stay with their database number and each rebuilds from the contents it now has.</summary>
    public void OnSwap(int first, int second)
    {
        Rebuild(first);
        Rebuild(second);
    }

    private void Rebuild(int database)
    {
        SearchIndexRegistry old = _registries[database];
        var registry = new SearchIndexRegistry();
        Restore(database, registry, old.Definitions(), new Dictionary<string, string>(old.Aliases, StringComparer.Ordinal));
        _registries[database] = registry;
    }

    private void Restore(int database, SearchIndexRegistry registry, IReadOnlyList<SearchIndexDefinition> definitions,
        IReadOnlyDictionary<string, string> aliases)
    {
        var keyspace = new SearchKeyspace(_server, database);
        registry.Restore(definitions, aliases, keyspace.SnapshotJsonKeys, keyspace.GetDocument);
        if (!registry.BackfillStep(SynchronousBackfillKeys))
        {
            _backfillPending = true; // the cron finishes larger data sets
        }
    }

    /// <summary>
    /// The snapshot's auxiliary record: for each database with indexes, varint database number, varint length, then
    /// <see cref="IndexDefinitionCodec"/>'s record (definitions and aliases). Null when no database has an index.
    /// </summary>
    public byte[]? EncodeDefinitions()
    {
        var output = new ArrayBufferWriter<byte>();
        bool any = false;
        for (int db = 0; db < _registries.Length; db++)
        {
            SearchIndexRegistry registry = _registries[db];
            List<SearchIndexDefinition> definitions = registry.Definitions();
            if (definitions.Count == 0)
            {
                continue;
            }
            any = true;
            byte[] record = IndexDefinitionCodec.Encode(definitions, registry.Aliases);
            Span<byte> head = output.GetSpan(2 * Varint.MaxLength64);
            int n = Varint.Write(head, (ulong)db);
            n += Varint.Write(head[n..], (ulong)record.Length);
            output.Advance(n);
            output.Write(record);
        }
        return any ? output.WrittenSpan.ToArray() : null;
    }

    /// <summary>Loads <see cref="EncodeDefinitions"/>'s record after a snapshot's keys: recreates the indexes, which backfill.</summary>
    public void LoadDefinitions(ReadOnlySpan<byte> data)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            int n = Varint.TryRead(data[pos..], out ulong db);
            if (n == 0 || db >= (ulong)_registries.Length)
            {
                throw new InvalidDataException("search index record: bad database number");
            }
            pos += n;
            n = Varint.TryRead(data[pos..], out ulong length);
            if (n == 0 || length > (ulong)(data.Length - pos - n))
            {
                throw new InvalidDataException("search index record: bad length");
            }
            pos += n;
            if (!IndexDefinitionCodec.TryDecode(data.Slice(pos, (int)length), out var definitions, out var aliases, out string error))
            {
                throw new InvalidDataException("search index record: " + error);
            }
            pos += (int)length;
            Restore((int)db, _registries[(int)db], definitions, aliases);
        }
    }

    /// <summary>Wires the store: this object as a keyspace listener beside <paramref name="existing"/>, and the snapshot hooks.</summary>
    public void Attach(MemoryStore store)
    {
        store.Listener = store.Listener is { } existing ? new CompositeKeyspaceListener(existing, this) : this;
        store.SnapshotAuxProvider = () => EncodeDefinitions() is { } data ? [(SnapshotAuxName, data)] : [];
        store.SnapshotAuxLoaded = (name, data) =>
        {
            if (name == SnapshotAuxName)
            {
                LoadDefinitions(data);
            }
        };
    }
}
