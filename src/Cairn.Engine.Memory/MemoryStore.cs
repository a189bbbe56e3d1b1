using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory;

/// <summary>
/// The in-memory engine: the numbered databases, memory accounting and the lock that makes every command atomic.
/// Thread safety: callers hold <see cref="Lock"/> for every operation on the store and its databases; see docs/threading.md.
/// </summary>
public sealed class MemoryStore
{
    /// <summary>Per-key overhead beyond key and value bytes: table slot, bucket, array headers (measured, see docs).</summary>
    public const long KeyOverheadBytes = 72;

    private Database[] _databases;
    private long _usedMemoryBytes;

    public MemoryStore(int databaseCount, TimeProvider time)
    {
        Invariant.Require(databaseCount is > 0 and <= 1024, "database count out of range");
        Time = time;
        _databases = new Database[databaseCount];
        for (int i = 0; i < databaseCount; i++)
        {
            _databases[i] = new Database(i, this);
        }
    }

    public Lock Lock { get; } = new();

    public TimeProvider Time { get; }

    public int DatabaseCount => _databases.Length;

    public KeyspaceStats Stats { get; } = new();

    /// <summary>Writes since the last snapshot (rdb_changes_since_last_save).</summary>
    public long Dirty { get; set; }

    public IKeyspaceListener? Listener { get; set; }

    public long UsedMemoryBytes => _usedMemoryBytes;

    public Database this[int index] => _databases[index];

    public long NowMilliseconds => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public void AdjustMemory(long deltaBytes) => _usedMemoryBytes += deltaBytes;

    /// <summary>Redis's LRU clock: seconds, 24 bits.</summary>
    public uint AccessClockNow() => (uint)(NowMilliseconds / 1000) & 0xFFFFFF;

    /// <summary>Records an access for eviction (LRU clock now; LFU counting arrives with the eviction policies).</summary>
    public void Touch(ref KeyEntry entry) => entry.Access = AccessClockNow();

    public static long ValueSize(object value) => value switch
    {
        byte[] bytes => 24 + bytes.Length,
        DataObject data => data.MemoryUsageBytes,
        _ => 16,
    };

    public void SwapDatabases(int a, int b)
    {
        Database first = _databases[a];
        Database second = _databases[b];
        first.TouchAllWatched(second);
        second.TouchAllWatched(first);
        first.SwapContents(second);
    }

    public long TotalKeys()
    {
        long total = 0;
        foreach (Database db in _databases)
        {
            total += db.Count;
        }
        return total;
    }
}
