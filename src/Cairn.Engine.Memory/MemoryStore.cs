using Cairn.Engine.Memory.Eviction;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory;

/// <summary>
/// The in-memory engine: the numbered databases, memory accounting and the lock that makes every command atomic.
/// Thread safety: callers hold <see cref="Lock"/> for every operation on the store and its databases; see docs/threading.md.
/// </summary>
public sealed class MemoryStore
{
    private Database[] _databases;
    private long _usedMemoryBytes;
    private int _backgroundWalks;

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

    public EvictionSettings Eviction { get; } = new();

    /// <summary>Random source for LFU increments and eviction sampling.</summary>
    public IRandomSource Random { get; } = new SeededRandom((ulong)Environment.TickCount64 * 0x9E3779B97F4A7C15UL);

    public TimeProvider Time { get; }

    public int DatabaseCount => _databases.Length;

    public KeyspaceStats Stats { get; } = new();

    /// <summary>
    /// Whether a background snapshot's walk is running (read without the lock). The event loops stop polling for events
    /// meanwhile: a polling loop yields its core between polls, and the walk thread (nice 10) then took the core for a
    /// whole scheduler slice, while a loop that sleeps in epoll_wait is woken ahead of it (PING p99 during a BGSAVE of a
    /// 1M-member set, server pinned to one CPU: 1.9-4.1 ms polling, 0.18-0.63 ms not; docs/threading.md).
    /// </summary>
    public bool BackgroundWalkRunning => Volatile.Read(ref _backgroundWalks) > 0;

    /// <summary>A background snapshot's walk starts (<paramref name="delta"/> 1) or ends (-1).</summary>
    public void CountBackgroundWalk(int delta) => Interlocked.Add(ref _backgroundWalks, delta);

    /// <summary>Writes since the last snapshot (rdb_changes_since_last_save).</summary>
    public long Dirty { get; set; }

    public IKeyspaceListener? Listener { get; set; }

    /// <summary>Named auxiliary records a snapshot stores beside the keys, taken at the snapshot's instant (e.g. search
    /// index definitions). Null or empty: none.</summary>
    public Func<List<(string Name, byte[] Data)>>? SnapshotAuxProvider { get; set; }

    /// <summary>Receives each auxiliary record while a snapshot loads, after all of its keys.</summary>
    public Action<string, byte[]>? SnapshotAuxLoaded { get; set; }

    public long UsedMemoryBytes => _usedMemoryBytes;

    public Database this[int index] => _databases[index];

    public long NowMilliseconds => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public void AdjustMemory(long deltaBytes) => _usedMemoryBytes += deltaBytes;

    /// <summary>Redis's LRU clock: seconds, 24 bits.</summary>
    public uint AccessClockNow() => AccessClock.LruSeconds(NowMilliseconds);

    /// <summary>The access field of a new key (LRU clock, or LFU counter at its initial value).</summary>
    public uint NewAccessValue() => AccessClock.Initial(Eviction, NowMilliseconds);

    /// <summary>Records an access for eviction: LRU clock, or a logarithmic LFU increment with decay.</summary>
    public void Touch(ref KeyEntry entry) => AccessClock.Touch(ref entry, Eviction, Random, NowMilliseconds);

    /// <summary>Touch with the caller's clock reading (the command's time), saving a clock read per access.</summary>
    public void Touch(ref KeyEntry entry, long nowMilliseconds) => AccessClock.Touch(ref entry, Eviction, Random, nowMilliseconds);

    /// <summary>Sum of what every key accounts for, recomputed from scratch (tests check it equals the running total).</summary>
    public long RecomputeUsedMemory()
    {
        long total = 0;
        foreach (Database db in _databases)
        {
            for (int i = db.NextSlot(0); i >= 0; i = db.NextSlot(i + 1))
            {
                total += db.MemoryUsageAt(i);
            }
        }
        return total;
    }

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
