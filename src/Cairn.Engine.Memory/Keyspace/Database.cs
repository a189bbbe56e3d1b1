using System.Runtime.CompilerServices;
using Cairn.Engine.Memory.Collections;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Keyspace;

/// <summary>
/// One numbered database: keys, their expiry, and the clients watching them.
/// Expiry is lazy (a look-up of an expired key deletes it) plus an active cycle driven by a min-heap of deadlines, so
/// each cycle touches only keys that are due, with a bound on work per call.
/// Thread safety: none; every call happens under the store's lock.
/// </summary>
public sealed class Database
{
    private BytesMap<KeyEntry> _keys = new();
    private PriorityQueue<byte[], long> _deadlines = new();
    private readonly Dictionary<byte[], List<IKeyWatcher>> _watchers = new(ByteArrayComparer.Instance);
    private int _volatileCount;

    public Database(int index, MemoryStore store)
    {
        Index = index;
        Store = store;
    }

    public int Index { get; }

    /// <summary>The running snapshot's copy-on-write hook, or null (the common case: one null check per write).</summary>
    public IWriteTracker? Tracker { get; set; }

    /// <summary>The durable store under this keyspace in storage lsm mode, or null (memory mode: one null check on a miss).</summary>
    public IKeyspaceBacking? Backing { get; set; }

    public MemoryStore Store { get; }

    public int Count => _keys.Count;

    public int VolatileCount => _volatileCount;

    public long AverageTtlMilliseconds { get; private set; }

    internal BytesMap<KeyEntry> Keys => _keys;

    /// <summary>The slot of a live key, or -1; an expired key is deleted on the way (lazy expiry).</summary>
    public int Find(ReadOnlySpan<byte> key, long nowMilliseconds)
    {
        int index = _keys.Find(key);
        if (index >= 0)
        {
            long deadline = _keys.ValueAt(index).ExpiresAtMilliseconds;
            if (deadline != 0 && deadline < nowMilliseconds)
            {
                ExpireAt(index);
                return -1;
            }
            return index;
        }
        return Backing is null ? -1 : Backing.Load(this, key, nowMilliseconds);
    }

    /// <summary>Finds without expiring (for introspection that must not change state). With a backing store, a key not in
    /// memory is loaded (its state does not change, only where it lives).</summary>
    public int FindRaw(ReadOnlySpan<byte> key)
    {
        int index = _keys.Find(key);
        return index >= 0 || Backing is null ? index : Backing.Load(this, key, Store.NowMilliseconds);
    }

    /// <summary>Finds in memory only (never loads from the backing store): for eviction.</summary>
    public int FindResident(ReadOnlySpan<byte> key) => _keys.Find(key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref KeyEntry EntryAt(int index) => ref _keys.ValueAt(index);

    public byte[] KeyAt(int index) => _keys.KeyAt(index);

    public object? Get(ReadOnlySpan<byte> key, long nowMilliseconds)
    {
        int index = Find(key, nowMilliseconds);
        return index < 0 ? null : _keys.ValueAt(index).Value;
    }

    /// <summary>
    /// Sets a key's value. With <paramref name="keepTtl"/> an existing key keeps its expiry; otherwise the expiry becomes
    /// <paramref name="expiresAtMilliseconds"/> (0 = none). Returns the slot index. The caller signals the modification.
    /// </summary>
    public int Set(ReadOnlySpan<byte> key, object value, long expiresAtMilliseconds, bool keepTtl, long nowMilliseconds)
    {
        int index = Find(key, nowMilliseconds);
        if (index >= 0)
        {
            Tracker?.BeforeChange(this, index);
            ref KeyEntry entry = ref _keys.ValueAt(index);
            object old = entry.Value;
            entry.Value = value;
            Store.AdjustMemory(MemoryStore.ValueSize(value) - MemoryStore.ValueSize(old));
            if (!keepTtl)
            {
                SetExpiry(index, expiresAtMilliseconds);
            }
            // The old value is gone (SET over a series or document): indexes that hold it must forget it.
            Store.Listener?.OnKeyRemoved(this, _keys.KeyAt(index), old);
            return index;
        }
        return Add(key.ToArray(), value, keepTtl ? 0 : expiresAtMilliseconds);
    }

    /// <summary>Adds a key known to be absent (after Find returned -1).</summary>
    public int Add(byte[] key, object value, long expiresAtMilliseconds)
    {
        int index = _keys.Add(key, new KeyEntry { Value = value, Access = Store.NewAccessValue() });
        Tracker?.OnCreated(this, index);
        Store.AdjustMemory(MemoryStore.KeyOverheadBytes + key.Length + MemoryStore.ValueSize(value));
        if (expiresAtMilliseconds != 0)
        {
            SetExpiry(index, expiresAtMilliseconds);
        }
        return index;
    }

    /// <summary>Replaces the value at a slot, keeping expiry. The caller signals the modification.</summary>
    public void Replace(int index, object value)
    {
        Tracker?.BeforeChange(this, index);
        ref KeyEntry entry = ref _keys.ValueAt(index);
        Store.AdjustMemory(MemoryStore.ValueSize(value) - MemoryStore.ValueSize(entry.Value));
        entry.Value = value;
    }

    public void SetExpiry(int index, long expiresAtMilliseconds)
    {
        Tracker?.BeforeChange(this, index);
        ref KeyEntry entry = ref _keys.ValueAt(index);
        if (entry.ExpiresAtMilliseconds == 0 && expiresAtMilliseconds != 0)
        {
            _volatileCount++;
        }
        else if (entry.ExpiresAtMilliseconds != 0 && expiresAtMilliseconds == 0)
        {
            _volatileCount--;
        }
        entry.ExpiresAtMilliseconds = expiresAtMilliseconds;
        if (expiresAtMilliseconds != 0)
        {
            _deadlines.Enqueue(_keys.KeyAt(index), expiresAtMilliseconds);
            if (_deadlines.Count > 2 * _volatileCount + 1024)
            {
                RebuildDeadlines();
            }
        }
    }

    /// <summary>Removes the key at a slot (DEL, eviction, a container emptied). The caller signals the modification.</summary>
    public void RemoveAt(int index)
    {
        Tracker?.BeforeChange(this, index);
        ref KeyEntry entry = ref _keys.ValueAt(index);
        byte[] key = _keys.KeyAt(index);
        object value = entry.Value;
        if (entry.ExpiresAtMilliseconds != 0)
        {
            _volatileCount--;
        }
        Store.AdjustMemory(-(MemoryStore.KeyOverheadBytes + key.Length + MemoryStore.ValueSize(value)));
        _keys.RemoveAt(index);
        Store.Listener?.OnKeyRemoved(this, key, value);
    }

    /// <summary>
    /// Drops a key from memory only, when a backing store holds it (eviction in storage lsm mode): not a change to the
    /// data, so no watcher, listener or tracker hears of it. REQUIRES: <see cref="Backing"/> is set and the key is committed.
    /// </summary>
    public void Unload(int index)
    {
        ref KeyEntry entry = ref _keys.ValueAt(index);
        if (entry.ExpiresAtMilliseconds != 0)
        {
            _volatileCount--;
        }
        Store.AdjustMemory(-(MemoryStore.KeyOverheadBytes + _keys.KeyAt(index).Length + MemoryStore.ValueSize(entry.Value)));
        _keys.RemoveAt(index);
    }

    public bool Remove(ReadOnlySpan<byte> key, long nowMilliseconds)
    {
        int index = Find(key, nowMilliseconds);
        if (index < 0)
        {
            return false;
        }
        RemoveAt(index);
        return true;
    }

    private void ExpireAt(int index)
    {
        byte[] key = _keys.KeyAt(index);
        RemoveAt(index);
        Store.Stats.ExpiredKeys++;
        SignalModified(key);
        Store.Listener?.OnKeyExpired(this, key);
    }

    /// <summary>Deletes due keys, at most <paramref name="maxKeys"/>; returns how many it deleted.</summary>
    public int ExpireDue(long nowMilliseconds, int maxKeys)
    {
        int expired = 0;
        int examined = 0;
        while (examined < maxKeys * 4 && expired < maxKeys && _deadlines.TryPeek(out byte[]? key, out long deadline) && deadline < nowMilliseconds)
        {
            _deadlines.Dequeue();
            examined++;
            int index = _keys.Find(key);
            // Skip stale heap entries: the key was deleted, re-created, persisted or given another deadline since.
            if (index < 0 || _keys.ValueAt(index).ExpiresAtMilliseconds != deadline)
            {
                continue;
            }
            ExpireAt(index);
            expired++;
        }
        return expired;
    }

    private void RebuildDeadlines()
    {
        _deadlines.Clear();
        long sum = 0;
        for (int i = _keys.NextOccupied(0); i >= 0; i = _keys.NextOccupied(i + 1))
        {
            long deadline = _keys.ValueAt(i).ExpiresAtMilliseconds;
            if (deadline != 0)
            {
                _deadlines.Enqueue(_keys.KeyAt(i), deadline);
                sum += deadline;
            }
        }
        AverageTtlMilliseconds = _volatileCount == 0 ? 0 : sum / _volatileCount;
    }

    /// <summary>SCAN step: the next occupied slot at or after <paramref name="cursor"/>, or -1 at the end.</summary>
    public int NextSlot(int cursor) => _keys.NextOccupied(cursor);

    public int SlotLimit => _keys.SlotLimit;

    public int RandomSlot(IRandomSource random) => _keys.RandomOccupied(random);

    /// <summary>Removes every key, touching watchers of keys that existed. Returns the number removed.</summary>
    public int Clear()
    {
        Tracker?.BeforeClear(this);
        Backing?.BeforeClear(this);
        int count = _keys.Count;
        if (_watchers.Count > 0)
        {
            foreach (KeyValuePair<byte[], List<IKeyWatcher>> pair in _watchers)
            {
                if (_keys.Find(pair.Key) >= 0)
                {
                    foreach (IKeyWatcher watcher in pair.Value)
                    {
                        watcher.OnWatchedKeyTouched();
                    }
                }
            }
        }
        Store.AdjustMemory(-EstimateMemory());
        _keys.Clear();
        _deadlines.Clear();
        _volatileCount = 0;
        return count;
    }

    private long EstimateMemory()
    {
        long total = 0;
        for (int i = _keys.NextOccupied(0); i >= 0; i = _keys.NextOccupied(i + 1))
        {
            total += MemoryStore.KeyOverheadBytes + _keys.KeyAt(i).Length + MemoryStore.ValueSize(_keys.ValueAt(i).Value);
        }
        return total;
    }

    /// <summary>Signals that a key changed: breaks WATCHes on it. Called for every write, as Redis's signalModifiedKey.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SignalModified(ReadOnlySpan<byte> key)
    {
        if (_watchers.Count != 0)
        {
            TouchWatchers(key);
        }
        Backing?.OnModified(this, key);
        Store.Dirty++;
    }

    private void TouchWatchers(ReadOnlySpan<byte> key)
    {
        var lookup = _watchers.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(key, out List<IKeyWatcher>? list))
        {
            foreach (IKeyWatcher watcher in list)
            {
                watcher.OnWatchedKeyTouched();
            }
        }
    }

    /// <summary>Touches every watched key that exists here or in <paramref name="other"/> (SWAPDB).</summary>
    public void TouchAllWatched(Database? other)
    {
        foreach (KeyValuePair<byte[], List<IKeyWatcher>> pair in _watchers)
        {
            if (_keys.Find(pair.Key) >= 0 || (other is not null && other._keys.Find(pair.Key) >= 0))
            {
                foreach (IKeyWatcher watcher in pair.Value)
                {
                    watcher.OnWatchedKeyTouched();
                }
            }
        }
    }

    public void Watch(byte[] key, IKeyWatcher watcher)
    {
        if (!_watchers.TryGetValue(key, out List<IKeyWatcher>? list))
        {
            list = new List<IKeyWatcher>(1);
            _watchers.Add(key, list);
        }
        if (!list.Contains(watcher))
        {
            list.Add(watcher);
        }
    }

    public void Unwatch(byte[] key, IKeyWatcher watcher)
    {
        if (_watchers.TryGetValue(key, out List<IKeyWatcher>? list))
        {
            list.Remove(watcher);
            if (list.Count == 0)
            {
                _watchers.Remove(key);
            }
        }
    }

    /// <summary>Swaps contents with another database (SWAPDB); watchers stay with their database index, as in Redis.</summary>
    public void SwapContents(Database other)
    {
        Tracker?.BeforeClear(this);
        other.Tracker?.BeforeClear(other);
        Backing?.BeforeSwap(this, other);
        (_keys, other._keys) = (other._keys, _keys);
        (_deadlines, other._deadlines) = (other._deadlines, _deadlines);
        (_volatileCount, other._volatileCount) = (other._volatileCount, _volatileCount);
        (AverageTtlMilliseconds, other.AverageTtlMilliseconds) = (other.AverageTtlMilliseconds, AverageTtlMilliseconds);
    }
}
