using System.Runtime.CompilerServices;
using Cairn.Engine.Memory.Hashes;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Keyspace;

/// <summary>
/// One numbered database: keys, their expiry, and the clients watching them.
/// Expiry is lazy (a look-up of an expired key deletes it) plus an active cycle driven by a min-heap of deadlines, so
/// each cycle touches only keys that are due, with a bound on work per call.
/// Layout (see <see cref="KeyEntry"/>): one 32-byte slot per key; a small string shares one array with its key; expiry
/// deadlines and replication versions sit in side tables keyed by slot index, holding only the keys that have one, as
/// Redis's expires dict (a persistent key pays nothing for them). Slot indices are stable while a key exists, and a
/// removal clears the key's side-table entries, so an index names one key for as long as it is in a table.
/// Memory accounting (<see cref="MemoryUsageAt"/>): what the .NET heap really holds for the key (slot, bucket share,
/// arrays with their headers, the value, side-table entries), maintained as deltas on every change.
/// Thread safety: none; every call happens under the store's lock.
/// </summary>
public sealed class Database
{
    /// <summary>A string value handed over as a byte[] up to this length is copied in beside its key (embedded); a longer
    /// one keeps its own array, so storing it costs no copy.</summary>
    public const int EmbeddedStringLimitBytes = 64;

    /// <summary>An expiry's side-table cost: its dictionary entry and bucket, and its deadline-heap node.</summary>
    private const long ExpiryEntryBytes = 24 + 4 + 16;

    /// <summary>A version's side-table cost: its dictionary entry and bucket.</summary>
    private const long VersionEntryBytes = 24 + 4;

    private KeyTable _keys = new();
    private Dictionary<int, long> _expires = [];
    private PriorityQueue<int, long> _deadlines = new();
    private Dictionary<int, HybridTimestamp> _versions = [];
    private readonly Dictionary<byte[], List<IKeyWatcher>> _watchers = new(ByteArrayComparer.Instance);
    private readonly HashObject _hashView = HashObject.CreateView();
    private int _hashViewIndex = -1;

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

    public int VolatileCount => _expires.Count;

    public long AverageTtlMilliseconds { get; private set; }

    /// <summary>The slot of a live key, or -1; an expired key is deleted on the way (lazy expiry).</summary>
    public int Find(ReadOnlySpan<byte> key, long nowMilliseconds)
    {
        int index = _keys.Find(key);
        if (index >= 0)
        {
            if (_keys.EntryAt(index).HasExpiry && _expires[index] < nowMilliseconds)
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

    /// <summary>The hash <see cref="PrefetchKeys"/> takes for a key.</summary>
    public static int HashKey(ReadOnlySpan<byte> key) => ByteArrayComparer.Hash(key);

    /// <summary>Prefetches the in-memory look-up path of the keys with these hashes (a pipelined batch's keys, before the batch
    /// runs): see <see cref="KeyTable.Prefetch"/>. A hint only; REQUIRES the store lock like any other access.</summary>
    public void PrefetchKeys(ReadOnlySpan<int> hashes) => _keys.Prefetch(hashes);

    /// <summary>Finds in memory only (never loads from the backing store): for eviction.</summary>
    public int FindResident(ReadOnlySpan<byte> key) => _keys.Find(key);

    /// <summary>The non-string value of <paramref name="key"/> as it sits in memory (even if expired), or null; no statistics,
    /// no access time, no load from the backing store: for look-ahead hints (<see cref="DataObject.PrefetchMembers"/>).</summary>
    public DataObject? PeekObject(ReadOnlySpan<byte> key)
    {
        int index = _keys.Find(key);
        return index < 0 ? null : _keys.EntryAt(index).Stored as DataObject;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref KeyEntry EntryAt(int index) => ref _keys.EntryAt(index);

    /// <summary>The key at a slot as an array: the stored one, or a copy when a string is embedded with it. Hot paths
    /// use <see cref="KeySpanAt"/>.</summary>
    public byte[] KeyAt(int index)
    {
        ref KeyEntry entry = ref _keys.EntryAt(index);
        return entry.Data!.Length == entry.KeyLength ? entry.Data : entry.Key.ToArray();
    }

    public ReadOnlySpan<byte> KeySpanAt(int index) => _keys.EntryAt(index).Key;

    /// <summary>Absolute expiry of the key at a slot in Unix milliseconds; 0 when it is persistent.</summary>
    public long ExpiresAt(int index) => _keys.EntryAt(index).HasExpiry ? _expires[index] : 0;

    /// <summary>Hybrid logical clock timestamp of the key's last replicated write (zero until replication assigns one).</summary>
    public HybridTimestamp VersionAt(int index) => _keys.EntryAt(index).HasVersion ? _versions[index] : HybridTimestamp.Zero;

    public void SetVersion(int index, HybridTimestamp version)
    {
        ref KeyEntry entry = ref _keys.EntryAt(index);
        if (version == HybridTimestamp.Zero)
        {
            if (entry.HasVersion)
            {
                _versions.Remove(index);
                entry.KeyInfo &= ~KeyEntry.HasVersionFlag;
                Store.AdjustMemory(-VersionEntryBytes);
            }
            return;
        }
        if (!entry.HasVersion)
        {
            entry.KeyInfo |= KeyEntry.HasVersionFlag;
            Store.AdjustMemory(VersionEntryBytes);
        }
        _versions[index] = version;
    }

    /// <summary>Bytes the key at a slot holds (MEMORY USAGE, used_memory).</summary>
    public long MemoryUsageAt(int index) => EntryBytes(ref _keys.EntryAt(index));

    public object? Get(ReadOnlySpan<byte> key, long nowMilliseconds)
    {
        int index = Find(key, nowMilliseconds);
        return index < 0 ? null : _keys.EntryAt(index).Value;
    }

    /// <summary>
    /// Sets a key's value (a byte[] for a string). With <paramref name="keepTtl"/> an existing key keeps its expiry;
    /// otherwise the expiry becomes <paramref name="expiresAtMilliseconds"/> (0 = none). Returns the slot index. The caller
    /// signals the modification. A string up to <see cref="EmbeddedStringLimitBytes"/> is copied; a longer array is kept.
    /// </summary>
    public int Set(ReadOnlySpan<byte> key, object value, long expiresAtMilliseconds, bool keepTtl, long nowMilliseconds)
    {
        if (value is byte[] small && small.Length <= EmbeddedStringLimitBytes)
        {
            return SetString(key, small, expiresAtMilliseconds, keepTtl, nowMilliseconds);
        }
        int index = Find(key, nowMilliseconds);
        if (index < 0)
        {
            return Add(key.ToArray(), value, keepTtl ? 0 : expiresAtMilliseconds);
        }
        Tracker?.BeforeChange(this, index);
        ref KeyEntry entry = ref _keys.EntryAt(index);
        object? old = entry.Stored;
        long before = EntryBytes(ref entry);
        StoreObject(ref entry, value);
        Store.AdjustMemory(EntryBytes(ref entry) - before);
        if (!keepTtl)
        {
            SetExpiry(index, expiresAtMilliseconds);
        }
        NotifyReplaced(index, old);
        return index;
    }

    /// <summary>
    /// SET's path: stores a string value embedded with its key (one array), overwriting in place when the new value has
    /// the old one's length. Otherwise as <see cref="Set"/>.
    /// </summary>
    public int SetString(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMilliseconds, bool keepTtl, long nowMilliseconds)
    {
        int index = Find(key, nowMilliseconds);
        if (index < 0)
        {
            return AddEntry(Embed(key, value), key.Length, null, keepTtl ? 0 : expiresAtMilliseconds);
        }
        Tracker?.BeforeChange(this, index);
        object? old = _keys.EntryAt(index).Stored;
        StoreString(index, value);
        if (!keepTtl)
        {
            SetExpiry(index, expiresAtMilliseconds);
        }
        NotifyReplaced(index, old);
        return index;
    }

    /// <summary>Adds a key known to be absent (after Find returned -1). A byte[] value is a string (see <see cref="Set"/>).</summary>
    public int Add(byte[] key, object value, long expiresAtMilliseconds)
    {
        if (value is byte[] small && small.Length <= EmbeddedStringLimitBytes)
        {
            return AddEntry(Embed(key, small), key.Length, null, expiresAtMilliseconds);
        }
        if (value is HashObject hash && hash.CanEmbed)
        {
            return AddEntry(hash.ToEmbedded(key), key.Length, KeyEntry.EmbeddedHashMarker, expiresAtMilliseconds);
        }
        return AddEntry(key, key.Length, value, expiresAtMilliseconds);
    }

    /// <summary>Replaces the value at a slot, keeping expiry. The caller signals the modification.</summary>
    public void Replace(int index, object value)
    {
        Tracker?.BeforeChange(this, index);
        if (value is byte[] small && small.Length <= EmbeddedStringLimitBytes)
        {
            StoreString(index, small);
            return;
        }
        ref KeyEntry entry = ref _keys.EntryAt(index);
        long before = EntryBytes(ref entry);
        StoreObject(ref entry, value);
        Store.AdjustMemory(EntryBytes(ref entry) - before);
    }

    /// <summary>
    /// The embedded hash at a slot, as a HashObject the hash commands read and change in place (no allocation). Valid
    /// during the calling command only; a change reaches the keyspace by <see cref="CommitHashView"/>.
    /// REQUIRES: EntryAt(index).IsEmbeddedHash.
    /// </summary>
    public HashObject OpenHashView(int index)
    {
        ref KeyEntry entry = ref _keys.EntryAt(index);
        Invariant.Require(entry.IsEmbeddedHash, "hash view of a key that is not an embedded hash");
        _hashView.Attach(entry.Data!, entry.KeyLength);
        _hashViewIndex = index;
        return _hashView;
    }

    /// <summary>
    /// HSET's path for a new key: adds it as an embedded hash with room for <paramref name="capacityBytes"/> of packed
    /// pairs and returns the view over it, so the hash is built in its final array (no standalone object to throw away).
    /// REQUIRES: the key is absent; the caller adds at least one field, then calls <see cref="CommitHashView"/>.
    /// </summary>
    public HashObject CreateHashView(ReadOnlySpan<byte> key, int capacityBytes)
    {
        var data = new byte[key.Length + 2 + capacityBytes];
        key.CopyTo(data);
        int index = AddEntry(data, key.Length, KeyEntry.EmbeddedHashMarker, 0);
        _hashView.AttachEmpty(data, key.Length);
        _hashViewIndex = index;
        return _hashView;
    }

    /// <summary>
    /// Stores the opened view's changes in its slot: still small, it stays embedded (the view's array when that already is
    /// the right one); else it becomes a standalone HashObject. Accounts the memory change. REQUIRES: the view was opened
    /// by this command and its hash is not empty (an emptied hash is removed instead).
    /// </summary>
    public void CommitHashView(HashObject view)
    {
        Invariant.Require(ReferenceEquals(view, _hashView) && _hashViewIndex >= 0, "committing a view this database did not open");
        int index = _hashViewIndex;
        Tracker?.BeforeChange(this, index);
        ref KeyEntry entry = ref _keys.EntryAt(index);
        Invariant.Require(entry.IsEmbeddedHash && view.Count > 0, "committing a view over a changed slot");
        long before = EntryBytes(ref entry);
        if (view.CanEmbed)
        {
            entry.Data = view.ToEmbedded(entry.Key);
        }
        else
        {
            entry.Data = entry.Key.ToArray();
            entry.Stored = view.Detach();
        }
        Store.AdjustMemory(EntryBytes(ref entry) - before);
    }

    /// <summary>Replaces the value at a slot with a string (embedded), keeping expiry. The caller signals the modification.</summary>
    /// <summary>
    /// Replaces the value at a slot with the string <paramref name="value"/> held as its own array whatever its length
    /// (Redis's raw encoding, which APPEND leaves), keeping expiry. The caller signals the modification.
    /// </summary>
    public void ReplaceWithRawString(int index, byte[] value)
    {
        Tracker?.BeforeChange(this, index);
        ref KeyEntry entry = ref _keys.EntryAt(index);
        long before = EntryBytes(ref entry);
        StoreObject(ref entry, value);
        Store.AdjustMemory(EntryBytes(ref entry) - before);
    }

    public void ReplaceString(int index, ReadOnlySpan<byte> value)
    {
        Tracker?.BeforeChange(this, index);
        StoreString(index, value);
    }

    /// <summary>
    /// The string at a slot as an array of its own that the caller may change in place (SETRANGE, SETBIT, BITFIELD),
    /// grown with zero bytes to at least <paramref name="minimumLength"/>; an embedded string moves out to one (Redis's
    /// embstr turning raw). The caller signals the modification. REQUIRES: the key holds a string.
    /// </summary>
    public byte[] RawStringAt(int index, int minimumLength = 0)
    {
        Tracker?.BeforeChange(this, index);
        ref KeyEntry entry = ref _keys.EntryAt(index);
        Invariant.Require(entry.IsString, "raw string of another type");
        if (entry.Stored is byte[] raw && raw.Length >= minimumLength)
        {
            return raw;
        }
        long before = EntryBytes(ref entry);
        entry.TryGetString(out ReadOnlySpan<byte> current);
        var grown = new byte[Math.Max(current.Length, minimumLength)];
        current.CopyTo(grown);
        if (entry.Data!.Length != entry.KeyLength)
        {
            entry.Data = entry.Key.ToArray();
        }
        entry.Stored = grown;
        Store.AdjustMemory(EntryBytes(ref entry) - before);
        return grown;
    }

    public void SetExpiry(int index, long expiresAtMilliseconds)
    {
        ref KeyEntry entry = ref _keys.EntryAt(index);
        if (expiresAtMilliseconds == 0)
        {
            if (entry.HasExpiry)
            {
                Tracker?.BeforeChange(this, index);
                _expires.Remove(index);
                entry.KeyInfo &= ~KeyEntry.HasExpiryFlag;
                Store.AdjustMemory(-ExpiryEntryBytes);
            }
            return;
        }
        Tracker?.BeforeChange(this, index);
        if (!entry.HasExpiry)
        {
            entry.KeyInfo |= KeyEntry.HasExpiryFlag;
            Store.AdjustMemory(ExpiryEntryBytes);
        }
        _expires[index] = expiresAtMilliseconds;
        _deadlines.Enqueue(index, expiresAtMilliseconds);
        if (_deadlines.Count > 2 * _expires.Count + 1024)
        {
            RebuildDeadlines();
        }
    }

    /// <summary>Test hook: moves a key's deadline behind the deadline heap's back, so only a look-up can find it due (the
    /// heap's entry for the old deadline is then stale and skipped). REQUIRES: the key has an expiry.</summary>
    internal void MoveDeadlineUnscheduled(int index, long expiresAtMilliseconds)
    {
        Invariant.Require(_keys.EntryAt(index).HasExpiry && expiresAtMilliseconds != 0, "moving a deadline of a persistent key");
        _expires[index] = expiresAtMilliseconds;
    }

    /// <summary>Removes the key at a slot (DEL, eviction, a container emptied). The caller signals the modification.</summary>
    public void RemoveAt(int index)
    {
        Tracker?.BeforeChange(this, index);
        ref KeyEntry entry = ref _keys.EntryAt(index);
        object? value = entry.Stored;
        byte[] data = entry.Data!;
        Store.AdjustMemory(-EntryBytes(ref entry));
        ForgetSideTables(index, ref entry);
        _keys.RemoveAt(index);
        if (value is DataObject && Store.Listener is { } listener)
        {
            listener.OnKeyRemoved(this, data, value); // a DataObject's data array is exactly its key
        }
    }

    /// <summary>
    /// Drops a key from memory only, when a backing store holds it (eviction in storage lsm mode): not a change to the
    /// data, so no watcher, listener or tracker hears of it. REQUIRES: <see cref="Backing"/> is set and the key is committed.
    /// </summary>
    public void Unload(int index)
    {
        ref KeyEntry entry = ref _keys.EntryAt(index);
        Store.AdjustMemory(-EntryBytes(ref entry));
        ForgetSideTables(index, ref entry);
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

    private int AddEntry(byte[] data, int keyLength, object? stored, long expiresAtMilliseconds)
    {
        int index = _keys.Add(data, keyLength, stored, Store.NewAccessValue());
        Tracker?.OnCreated(this, index);
        Store.AdjustMemory(EntryBytes(ref _keys.EntryAt(index)));
        if (expiresAtMilliseconds != 0)
        {
            SetExpiry(index, expiresAtMilliseconds);
        }
        return index;
    }

    /// <summary>Makes the slot's value an embedded string. The caller has told the tracker.</summary>
    private void StoreString(int index, ReadOnlySpan<byte> value)
    {
        ref KeyEntry entry = ref _keys.EntryAt(index);
        long before = EntryBytes(ref entry);
        int keyLength = entry.KeyLength;
        if (entry.Stored is null && entry.Data!.Length == keyLength + value.Length)
        {
            value.CopyTo(entry.Data.AsSpan(keyLength)); // same length: no allocation (nothing else holds the array)
        }
        else
        {
            entry.Data = Embed(entry.Key, value);
            entry.Stored = null;
        }
        Store.AdjustMemory(EntryBytes(ref entry) - before);
    }

    /// <summary>Makes a slot hold a value that is not a small string: a small hash embedded, else the object (or raw
    /// string) with the data array cut back to the key.</summary>
    private static void StoreObject(ref KeyEntry entry, object value)
    {
        if (value is HashObject hash && hash.CanEmbed)
        {
            entry.Data = hash.ToEmbedded(entry.Key);
            entry.Stored = KeyEntry.EmbeddedHashMarker;
            return;
        }
        if (entry.Data!.Length != entry.KeyLength)
        {
            entry.Data = entry.Key.ToArray(); // an embedded value goes: the array shrinks to the key
        }
        entry.Stored = value;
    }

    private static byte[] Embed(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var data = new byte[key.Length + value.Length];
        key.CopyTo(data);
        value.CopyTo(data.AsSpan(key.Length));
        return data;
    }

    /// <summary>A value was overwritten: indexes holding the old one (a series, a document) must forget it.</summary>
    private void NotifyReplaced(int index, object? old)
    {
        if (old is DataObject && Store.Listener is { } listener)
        {
            listener.OnKeyRemoved(this, KeyAt(index), old);
        }
    }

    private void ForgetSideTables(int index, ref KeyEntry entry)
    {
        if (entry.HasExpiry)
        {
            _expires.Remove(index);
        }
        if (entry.HasVersion)
        {
            _versions.Remove(index);
        }
    }

    /// <summary>What the .NET heap holds for one key; see the type's remarks.</summary>
    private static long EntryBytes(ref KeyEntry entry)
    {
        long bytes = KeyTable.SlotBytes + ArrayBytes(entry.Data!.Length);
        bytes += entry.Stored switch
        {
            null => 0,
            byte[] raw => ArrayBytes(raw.Length),
            DataObject data => data.MemoryUsageBytes,
            _ => 0, // the embedded-hash marker: the hash is in Data
        };
        if (entry.HasExpiry)
        {
            bytes += ExpiryEntryBytes;
        }
        if (entry.HasVersion)
        {
            bytes += VersionEntryBytes;
        }
        return bytes;
    }

    /// <summary>A byte[]'s heap size: object header, method table, length, then the bytes rounded up to 8.</summary>
    public static long ArrayBytes(int length) => 24 + ((length + 7L) & ~7L);

    private void ExpireAt(int index)
    {
        byte[] key = KeyAt(index);
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
        while (examined < maxKeys * 4 && expired < maxKeys && _deadlines.TryPeek(out int index, out long deadline) && deadline < nowMilliseconds)
        {
            _deadlines.Dequeue();
            examined++;
            // Skip stale heap entries: the key was deleted, persisted or given another deadline since. A slot reused by
            // another key with this very deadline is due all the same.
            if (!_keys.IsOccupied(index) || ExpiresAt(index) != deadline)
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
        foreach (KeyValuePair<int, long> pair in _expires)
        {
            _deadlines.Enqueue(pair.Key, pair.Value);
            sum += pair.Value;
        }
        AverageTtlMilliseconds = _expires.Count == 0 ? 0 : sum / _expires.Count;
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
        _expires.Clear();
        _deadlines.Clear();
        _versions.Clear();
        return count;
    }

    private long EstimateMemory()
    {
        long total = 0;
        for (int i = _keys.NextOccupied(0); i >= 0; i = _keys.NextOccupied(i + 1))
        {
            total += EntryBytes(ref _keys.EntryAt(i));
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
        (_expires, other._expires) = (other._expires, _expires);
        (_deadlines, other._deadlines) = (other._deadlines, _deadlines);
        (_versions, other._versions) = (other._versions, _versions);
        (AverageTtlMilliseconds, other.AverageTtlMilliseconds) = (other.AverageTtlMilliseconds, AverageTtlMilliseconds);
    }
}
