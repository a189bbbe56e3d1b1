using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Cache;

/// <summary>
/// A sharded LRU cache of verified blocks (data, index and filter) charged by size against a fixed capacity: the part of the
/// memory budget not reserved for memtables. Thread safety: all members are thread-safe; each shard has its own lock.
/// Invariant: every shard's usage &lt;= its capacity after every insert (an entry larger than a shard is not cached).
/// </summary>
internal sealed class BlockCache
{
    private const int ShardCount = 16;
    private readonly Shard[] _shards = new Shard[ShardCount];
    private long _pinnedBytes;

    public BlockCache(long capacityBytes)
    {
        Invariant.Require(capacityBytes >= 0, "non-negative capacity");
        CapacityBytes = capacityBytes;
        for (int i = 0; i < ShardCount; i++)
        {
            _shards[i] = new Shard(this, capacityBytes / ShardCount);
        }
    }

    public long CapacityBytes { get; }

    /// <summary>Bytes pinned outside the LRU (index and filter blocks of open tables), counted against the capacity.</summary>
    public long PinnedBytes => Interlocked.Read(ref _pinnedBytes);

    public long UsageBytes
    {
        get
        {
            long total = PinnedBytes;
            foreach (Shard shard in _shards)
            {
                total += shard.UsageBytes;
            }
            return total;
        }
    }

    public long Hits => SumCounters(static s => s.Hits);

    public long Misses => SumCounters(static s => s.Misses);

    public object? Lookup(BlockCacheKey key) => ShardFor(key).Lookup(key);

    /// <summary>
    /// Reserves capacity for a block held outside the LRU (never evicted until <see cref="Unpin"/>). Refused when pinned
    /// blocks would take more than half the capacity, so that pinning can never push the cache past its budget.
    /// </summary>
    public bool TryPin(long chargeBytes)
    {
        long pinned = Interlocked.Add(ref _pinnedBytes, chargeBytes);
        if (pinned > CapacityBytes / 2)
        {
            Interlocked.Add(ref _pinnedBytes, -chargeBytes);
            return false;
        }
        foreach (Shard shard in _shards)
        {
            shard.EvictToFit(0);
        }
        return true;
    }

    public void Unpin(long chargeBytes) => Interlocked.Add(ref _pinnedBytes, -chargeBytes);

    public void Insert(BlockCacheKey key, object value, int chargeBytes) => ShardFor(key).Insert(key, value, chargeBytes);

    /// <summary>Drops every block of a file that has been deleted.</summary>
    public void EraseFile(ulong fileNumber)
    {
        foreach (Shard shard in _shards)
        {
            shard.EraseFile(fileNumber);
        }
    }

    private long SumCounters(Func<Shard, long> selector)
    {
        long total = 0;
        foreach (Shard shard in _shards)
        {
            total += selector(shard);
        }
        return total;
    }

    private Shard ShardFor(BlockCacheKey key) =>
        _shards[(int)(((key.FileNumber * 0x9E3779B97F4A7C15UL) ^ (key.Offset * 0xC2B2AE3D27D4EB4FUL)) >> 60)];

    private sealed class Shard(BlockCache owner, long capacityBytes)
    {
        /// <summary>This shard's share of the capacity left after pinned blocks.</summary>
        private long Capacity => capacityBytes - (owner.PinnedBytes / ShardCount);

        private readonly Lock _lock = new();
        private readonly Dictionary<BlockCacheKey, LinkedListNode<Entry>> _map = [];
        private readonly LinkedList<Entry> _lru = new();

        public long UsageBytes { get; private set; }

        public long Hits { get; private set; }

        public long Misses { get; private set; }

        public object? Lookup(BlockCacheKey key)
        {
            lock (_lock)
            {
                if (_map.TryGetValue(key, out LinkedListNode<Entry>? node))
                {
                    _lru.Remove(node);
                    _lru.AddFirst(node);
                    Hits++;
                    return node.Value.Value;
                }
                Misses++;
                return null;
            }
        }

        public void Insert(BlockCacheKey key, object value, int chargeBytes)
        {
            if (chargeBytes > Capacity)
            {
                return;
            }
            lock (_lock)
            {
                if (_map.Remove(key, out LinkedListNode<Entry>? existing))
                {
                    _lru.Remove(existing);
                    UsageBytes -= existing.Value.ChargeBytes;
                }
                EvictToFitLocked(chargeBytes);
                LinkedListNode<Entry> node = _lru.AddFirst(new Entry(key, value, chargeBytes));
                _map[key] = node;
                UsageBytes += chargeBytes;
            }
        }

        public void EvictToFit(int incomingBytes)
        {
            lock (_lock)
            {
                EvictToFitLocked(incomingBytes);
            }
        }

        private void EvictToFitLocked(int incomingBytes)
        {
            long capacity = Capacity;
            while (UsageBytes + incomingBytes > capacity && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Key);
                UsageBytes -= last.Value.ChargeBytes;
            }
        }

        public void EraseFile(ulong fileNumber)
        {
            lock (_lock)
            {
                LinkedListNode<Entry>? node = _lru.First;
                while (node is not null)
                {
                    LinkedListNode<Entry>? next = node.Next;
                    if (node.Value.Key.FileNumber == fileNumber)
                    {
                        _lru.Remove(node);
                        _map.Remove(node.Value.Key);
                        UsageBytes -= node.Value.ChargeBytes;
                    }
                    node = next;
                }
            }
        }

        private readonly record struct Entry(BlockCacheKey Key, object Value, int ChargeBytes);
    }
}
