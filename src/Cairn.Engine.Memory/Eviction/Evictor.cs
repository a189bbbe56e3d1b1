using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Eviction;

/// <summary>
/// Frees memory down to maxmemory by Redis's approximated algorithms: sample maxmemory-samples keys per database into a
/// pool of the best 16 candidates kept across calls, evict the best one, repeat. Each call is bounded in work.
/// Thread safety: under the store lock.
/// </summary>
public sealed class Evictor
{
    private const int PoolSize = 16;
    private const int MaxEvictionsPerCall = 10_000;
    private readonly MemoryStore _store;
    private readonly List<Candidate> _pool = new(PoolSize + 8);

    public Evictor(MemoryStore store)
    {
        _store = store;
    }

    /// <summary>Called for each evicted key (after removal), for notifications.</summary>
    public Action<Database, byte[]>? OnEvicted { get; set; }

    /// <summary>
    /// Storage lsm: drops a key from memory only (its data stays in the backing store) and says whether it did (a key
    /// that must stay resident is refused). Null in memory mode, where eviction deletes.
    /// </summary>
    public Func<Database, int, bool>? Unload { get; set; }

    /// <summary>Evicts until used memory is within maxmemory. Returns false if it cannot get there (noeviction, nothing evictable).</summary>
    public bool EnsureWithinLimit(IRandomSource random, long nowMilliseconds)
    {
        EvictionSettings settings = _store.Eviction;
        if (settings.MaxMemoryBytes <= 0 || _store.UsedMemoryBytes <= settings.MaxMemoryBytes)
        {
            return true;
        }
        if (Unload is { } unload)
        {
            UnloadColdKeys(unload, settings, random, nowMilliseconds);
            return true; // nothing is lost by being over: the data is on disk, memory is only a cache
        }
        if (settings.Policy == EvictionPolicy.NoEviction)
        {
            return false;
        }
        for (int evicted = 0; evicted < MaxEvictionsPerCall && _store.UsedMemoryBytes > settings.MaxMemoryBytes; evicted++)
        {
            if (!EvictOne(settings, random, nowMilliseconds))
            {
                return false;
            }
        }
        return _store.UsedMemoryBytes <= settings.MaxMemoryBytes;
    }

    private bool EvictOne(EvictionSettings settings, IRandomSource random, long now)
    {
        bool volatileOnly = EvictionPolicies.IsVolatile(settings.Policy);
        if (settings.Policy is EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom)
        {
            for (int attempt = 0; attempt < 64; attempt++)
            {
                Database db = _store[random.NextInt(_store.DatabaseCount)];
                if ((volatileOnly ? db.VolatileCount : db.Count) == 0)
                {
                    continue;
                }
                int slot = db.RandomSlot(random);
                if (slot >= 0 && (!volatileOnly || db.ExpiresAt(slot) != 0))
                {
                    Evict(db, slot);
                    return true;
                }
            }
            return EvictFirstFound(volatileOnly);
        }
        for (int dbIndex = 0; dbIndex < _store.DatabaseCount; dbIndex++)
        {
            Database db = _store[dbIndex];
            if ((volatileOnly ? db.VolatileCount : db.Count) == 0)
            {
                continue;
            }
            int wanted = settings.Samples;
            for (int tries = 0; wanted > 0 && tries < settings.Samples * 16; tries++)
            {
                int slot = db.RandomSlot(random);
                if (slot < 0)
                {
                    break;
                }
                ref KeyEntry entry = ref db.EntryAt(slot);
                if (volatileOnly && db.ExpiresAt(slot) == 0)
                {
                    continue;
                }
                wanted--;
                long score = settings.Policy switch
                {
                    EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu => 255 - AccessClock.LfuCounter(entry.Access, settings, now),
                    EvictionPolicy.VolatileTtl => long.MaxValue - db.ExpiresAt(slot),
                    _ => AccessClock.IdleSeconds(entry.Access, now),
                };
                Offer(new Candidate(dbIndex, db.KeyAt(slot), score));
            }
        }
        // Best candidate first; skip ones deleted or changed since they were pooled.
        while (_pool.Count > 0)
        {
            Candidate best = _pool[^1];
            _pool.RemoveAt(_pool.Count - 1);
            Database db = _store[best.Database];
            int slot = db.FindRaw(best.Key);
            if (slot < 0 || (volatileOnly && db.ExpiresAt(slot) == 0))
            {
                continue;
            }
            Evict(db, slot);
            return true;
        }
        return EvictFirstFound(volatileOnly);
    }

    private bool EvictFirstFound(bool volatileOnly)
    {
        for (int dbIndex = 0; dbIndex < _store.DatabaseCount; dbIndex++)
        {
            Database db = _store[dbIndex];
            for (int slot = db.NextSlot(0); slot >= 0; slot = db.NextSlot(slot + 1))
            {
                if (!volatileOnly || db.ExpiresAt(slot) != 0)
                {
                    Evict(db, slot);
                    return true;
                }
            }
        }
        return false;
    }

    private void Offer(Candidate candidate)
    {
        // Sorted ascending by score; the pool keeps the best PoolSize.
        int index = _pool.FindIndex(c => c.Score > candidate.Score);
        if (index < 0)
        {
            index = _pool.Count;
        }
        for (int i = 0; i < _pool.Count; i++)
        {
            if (_pool[i].Database == candidate.Database && _pool[i].Key.AsSpan().SequenceEqual(candidate.Key))
            {
                return;
            }
        }
        _pool.Insert(index, candidate);
        if (_pool.Count > PoolSize)
        {
            _pool.RemoveAt(0);
        }
    }

    private void Evict(Database db, int slot)
    {
        byte[] key = db.KeyAt(slot);
        db.RemoveAt(slot);
        _store.Stats.EvictedKeys++;
        db.SignalModified(key);
        OnEvicted?.Invoke(db, key);
    }

    /// <summary>
    /// Storage lsm: whatever the policy, memory is a cache, so drop the least recently (or, with an LFU policy, least
    /// frequently) used of a sample of resident keys, until within the limit or the bounded work is spent.
    /// </summary>
    private void UnloadColdKeys(Func<Database, int, bool> unload, EvictionSettings settings, IRandomSource random, long now)
    {
        bool lfu = settings.Policy is EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu;
        int samples = Math.Max(settings.Samples, 5);
        int refused = 0;
        for (int round = 0; round < MaxEvictionsPerCall && _store.UsedMemoryBytes > settings.MaxMemoryBytes; round++)
        {
            Database? bestDb = null;
            int bestSlot = -1;
            long bestScore = long.MinValue;
            for (int i = 0; i < samples; i++)
            {
                Database db = _store[random.NextInt(_store.DatabaseCount)];
                int slot = db.Count == 0 ? -1 : db.RandomSlot(random);
                if (slot < 0)
                {
                    continue;
                }
                uint access = db.EntryAt(slot).Access;
                long score = lfu ? 255 - AccessClock.LfuCounter(access, settings, now) : AccessClock.IdleSeconds(access, now);
                if (score > bestScore)
                {
                    (bestDb, bestSlot, bestScore) = (db, slot, score);
                }
            }
            if (bestDb is null)
            {
                if (_store.TotalKeys() == 0)
                {
                    return;
                }
                continue;
            }
            // Not evicted_keys: nothing was deleted. Stop early when the samples hold only keys that must stay resident.
            refused = unload(bestDb, bestSlot) ? 0 : refused + 1;
            if (refused >= 64)
            {
                return;
            }
        }
    }

    private readonly record struct Candidate(int Database, byte[] Key, long Score);
}
