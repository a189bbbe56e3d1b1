using System.Buffers;
using System.Buffers.Binary;
using Cairn.Commands.Execution;
using Cairn.Engine.Lsm;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives;
using Microsoft.Extensions.Logging;

namespace Cairn.Commands.Storage;

/// <summary>
/// Storage lsm: every key lives in an <see cref="LsmDatabase"/> (layout in <see cref="LsmNodeFormat"/>), and the
/// in-memory keyspace is a cache of the hot ones within maxmemory.
/// <list type="bullet">
/// <item>Reads: a look-up that misses memory loads the key from the LSM (<see cref="Load"/>); an expired one is deleted.</item>
/// <item>Writes: keys signalled modified are collected, and <see cref="Commit"/> (end of every dispatched command, so an
/// EXEC is one batch) writes their memory state, or a tombstone, in ONE atomic LSM batch before the reply is sent.</item>
/// <item>Durability rule: a reply is sent only after its batch is in the WAL and written to the OS (survives kill -9 of
/// the process); appendfsync always also fsyncs each batch before the reply, everysec fsyncs once a second, no leaves
/// it to the OS (power loss may then lose the last writes).</item>
/// <item>Eviction unloads: a committed value is dropped from memory only (time series and JSON stay resident, as their
/// indexes are in memory), so being over maxmemory never refuses a write.</item>
/// </list>
/// Invariant (between commands): every resident key equals its LSM record; the key counts equal the data records.
/// Thread safety: everything runs under the store lock, except the background fsync timer, which only issues an empty
/// synced write to the thread-safe LSM.
/// </summary>
public sealed class LsmKeyspace : IKeyspaceBacking, IDisposable
{
    private static readonly WriteOptions s_sync = new() { Sync = true };
    private static readonly byte[] s_empty = [];

    private readonly ServerContext _server;
    private readonly MemoryStore _store;
    private readonly LsmDatabase _lsm;
    private readonly int[] _physical;
    private readonly long[] _keyCounts;
    private readonly long[] _volatileCounts;
    private readonly HashSet<byte[]>[] _pending;
    /// <summary>What the LSM held for keys read since the last commit (null type = absent), so the commit need not read
    /// them again to learn whether they existed and their old expiry.</summary>
    private readonly Dictionary<byte[], StoredState>[] _known;
    private readonly WriteBatch _batch = new();
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Timer _fsyncTimer;
    private readonly LsmGroupSync _groupSync;
    private int _pendingCount;
    private int _knownCount;
    private int _unsynced;
    private long _fsyncs;

    private LsmKeyspace(ServerContext server, LsmDatabase lsm, int[] physical, long[] keyCounts, long[] volatileCounts)
    {
        _server = server;
        _store = server.Store;
        _lsm = lsm;
        _physical = physical;
        _keyCounts = keyCounts;
        _volatileCounts = volatileCounts;
        _pending = new HashSet<byte[]>[_store.DatabaseCount];
        _known = new Dictionary<byte[], StoredState>[_store.DatabaseCount];
        for (int i = 0; i < _pending.Length; i++)
        {
            _pending[i] = new HashSet<byte[]>(ByteArrayComparer.Instance);
            _known[i] = new Dictionary<byte[], StoredState>(ByteArrayComparer.Instance);
        }
        _fsyncTimer = new Timer(_ => SyncIfEverySecond(), null, 1000, 1000);
        _groupSync = new LsmGroupSync(SyncLogOrStop);
    }

    /// <summary>What replies wait on under appendfsync always (the group fsync); null under everysec and no.</summary>
    public IDurabilityGate? DurabilityGate => _server.Config.AppendFsync == "always" ? _groupSync : null;

    public LsmDatabase Lsm => _lsm;

    /// <summary>Keys read from the LSM into memory.</summary>
    public long KeysLoaded { get; private set; }

    /// <summary>Keys dropped from memory by eviction (still in the LSM).</summary>
    public long KeysUnloaded { get; private set; }

    public long Commits { get; private set; }

    public long KeysWritten { get; private set; }

    /// <summary>WAL fsyncs (group rounds with appendfsync always, from the timer with everysec).</summary>
    public long Fsyncs => Interlocked.Read(ref _fsyncs) + _groupSync.Rounds;

    public string Directory { get; private init; } = "";

    /// <summary>Opens (creating) the node's LSM under dir/lsm, attaches it to every database, and loads the keys that must
    /// stay resident. Throws <see cref="InvalidDataException"/> when the store was written by another layout version.</summary>
    public static LsmKeyspace Open(ServerContext server)
    {
        string directory = Path.Combine(server.Config.Dir, "lsm");
        // Writes run under the store lock: pacing is paid by the writing connection afterwards (WritePacingDelay).
        var options = new LsmOptions
        {
            MemoryBudgetBytes = BudgetFor(server.Config.MaxMemoryBytes), TimeProvider = server.Time, WritersSleepOffPacing = false,
        };
        LsmDatabase lsm = LsmDatabase.Open(options, server.FileSystem, directory);
        try
        {
            int databases = server.Store.DatabaseCount;
            int[] physical = ReadDatabaseMap(lsm, databases, out bool created);
            var keyCounts = new long[physical.Length];
            var volatileCounts = new long[physical.Length];
            for (int p = 0; p < physical.Length; p++)
            {
                byte[]? counts = lsm.Get(LsmNodeFormat.CountKey(p));
                if (counts is { Length: 16 })
                {
                    keyCounts[p] = BinaryPrimitives.ReadInt64LittleEndian(counts);
                    volatileCounts[p] = BinaryPrimitives.ReadInt64LittleEndian(counts.AsSpan(8));
                }
            }
            if (created)
            {
                var batch = new WriteBatch();
                var version = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(version, LsmNodeFormat.Version);
                batch.Put(LsmNodeFormat.VersionKey, version);
                batch.Put(LsmNodeFormat.DatabaseMapKey, EncodeMap(physical));
                lsm.Write(batch, s_sync);
            }
            var keyspace = new LsmKeyspace(server, lsm, physical, keyCounts, volatileCounts) { Directory = directory };
            keyspace.Attach();
            return keyspace;
        }
        catch
        {
            lsm.Dispose();
            throw;
        }
    }

    /// <summary>The LSM's own memory (memtables, block cache): half of maxmemory, within [16 MB, 256 MB].</summary>
    private static long BudgetFor(long maxMemoryBytes) =>
        maxMemoryBytes <= 0 ? 256L * 1024 * 1024 : Math.Clamp(maxMemoryBytes / 2, 16L * 1024 * 1024, 256L * 1024 * 1024);

    private static int[] ReadDatabaseMap(LsmDatabase lsm, int databases, out bool created)
    {
        byte[]? version = lsm.Get(LsmNodeFormat.VersionKey);
        byte[]? map = lsm.Get(LsmNodeFormat.DatabaseMapKey);
        created = version is null;
        if (version is null)
        {
            var identity = new int[databases];
            for (int i = 0; i < databases; i++)
            {
                identity[i] = i;
            }
            return identity;
        }
        uint found = version.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(version) : 0;
        if (found != LsmNodeFormat.Version)
        {
            throw new InvalidDataException($"the LSM store holds node layout version {found}; this build reads version {LsmNodeFormat.Version}");
        }
        if (map is null || map.Length % 2 != 0)
        {
            throw new InvalidDataException("the LSM store has no valid database map");
        }
        int stored = map.Length / 2;
        if (stored > databases)
        {
            throw new InvalidDataException($"the LSM store was created with {stored} databases; 'databases' is {databases}");
        }
        var physical = new int[databases];
        for (int i = 0; i < databases; i++)
        {
            physical[i] = i < stored ? BinaryPrimitives.ReadUInt16LittleEndian(map.AsSpan(2 * i)) : i;
        }
        if (stored < databases)
        {
            created = true; // write the extended map
        }
        return physical;
    }

    private static byte[] EncodeMap(int[] physical)
    {
        var map = new byte[2 * physical.Length];
        for (int i = 0; i < physical.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(map.AsSpan(2 * i), (ushort)physical[i]);
        }
        return map;
    }

    private void Attach()
    {
        for (int i = 0; i < _store.DatabaseCount; i++)
        {
            _store[i].Backing = this;
        }
        _server.Evictor.Unload = Unload;
        _server.Lsm = this;
        // Time series and JSON documents stay in memory: load them, then let their indexes see them as after a snapshot load.
        for (int i = 0; i < _store.DatabaseCount; i++)
        {
            (byte[] start, byte[] end) = LsmNodeFormat.FamilyRange(LsmNodeFormat.ResidentFamily, _physical[i]);
            var keys = new List<byte[]>();
            using (LsmIterator iterator = _lsm.NewIterator(new ReadOptions { LowerBound = start, UpperBound = end }))
            {
                for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
                {
                    keys.Add(iterator.Key[3..].ToArray());
                }
            }
            foreach (byte[] key in keys)
            {
                _store[i].FindRaw(key);
            }
        }
        Commit();
        _server.Listeners.OnDataLoaded(_store);
    }

    /// <inheritdoc/>
    public int Load(Database database, ReadOnlySpan<byte> key, long nowMilliseconds)
    {
        if (_pendingCount > 0 && _pending[database.Index].GetAlternateLookup<ReadOnlySpan<byte>>().Contains(key))
        {
            return -1; // changed since the last commit and not in memory: deleted; the LSM still has the old value
        }
        byte[]? stored = _lsm.Get(LsmNodeFormat.DataKey(_physical[database.Index], key));
        if (stored is null)
        {
            Remember(database, key.ToArray(), new StoredState(false, DataType.None, 0));
            return -1;
        }
        if (!LsmNodeFormat.TryReadValueHeader(stored, out DataType type, out long expiresAt))
        {
            throw new InvalidDataException($"LSM record of a key in db {database.Index} has an unknown value version {stored[0]}");
        }
        if (expiresAt != 0 && expiresAt < nowMilliseconds)
        {
            ExpireStored(database, key.ToArray());
            return -1;
        }
        IValueCodec codec = ValueCodecs.For(type)
            ?? throw new InvalidDataException($"LSM record of a key in db {database.Index} has unknown type {(int)type}");
        object value = codec.Read(stored.AsSpan(LsmNodeFormat.ValueHeaderBytes));
        byte[] keyBytes = key.ToArray();
        Remember(database, keyBytes, new StoredState(true, type, expiresAt));
        if (value is TimeSeries.SeriesObject series)
        {
            series.Series.Key = keyBytes;
        }
        KeysLoaded++;
        return database.Add(keyBytes, value, expiresAt);
    }

    private void Remember(Database database, byte[] key, StoredState state)
    {
        if (_known[database.Index].TryAdd(key, state))
        {
            _knownCount++;
        }
    }

    /// <summary>A key only in the LSM has expired: delete it as lazy expiry does in memory (event, watchers, tombstone).</summary>
    private void ExpireStored(Database database, byte[] key)
    {
        _store.Stats.ExpiredKeys++;
        database.SignalModified(key);
        _store.Listener?.OnKeyExpired(database, key);
    }

    /// <inheritdoc/>
    public void OnModified(Database database, ReadOnlySpan<byte> key)
    {
        HashSet<byte[]> pending = _pending[database.Index];
        if (!pending.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(key))
        {
            pending.Add(key.ToArray());
            _pendingCount++;
        }
    }

    /// <summary>
    /// A write command changed the data set (dirty grew): its key arguments count as modified, as the AOF would log the
    /// command. Catches in-place changes that signal no key (consumer groups, pending entries).
    /// </summary>
    public void OnWriteCommand(CommandContext ctx, Specs.CommandSpec spec)
    {
        Protocol.Resp.CommandArguments args = ctx.Arguments;
        List<int> positions = Specs.KeyPositions.Of(spec, args.Count, args.GetMemory);
        foreach (int position in positions)
        {
            OnModified(ctx.Database, args[position]);
        }
    }

    /// <summary>Eviction: drops a committed key from memory. Refuses keys that must stay resident.</summary>
    private bool Unload(Database database, int slot)
    {
        object value = database.EntryAt(slot).Value;
        if ((value is DataObject data && LsmNodeFormat.MustStayResident(data.Type)) || _pendingCount > 0)
        {
            return false;
        }
        database.Unload(slot);
        KeysUnloaded++;
        return true;
    }

    /// <summary>
    /// Writes every key modified since the last commit (its memory state, or a tombstone) and the changed key counts as
    /// one atomic batch, synced per appendfsync. Called after each command, before its reply can be sent. A failed write
    /// stops the process: the reply must not acknowledge what the log does not hold.
    /// </summary>
    public void Commit()
    {
        if (_pendingCount == 0)
        {
            ClearKnown();
            return;
        }
        try
        {
            _batch.Clear();
            for (int i = 0; i < _pending.Length; i++)
            {
                if (_pending[i].Count == 0)
                {
                    continue;
                }
                int physical = _physical[i];
                long keysBefore = _keyCounts[physical];
                long volatileBefore = _volatileCounts[physical];
                foreach (byte[] key in _pending[i])
                {
                    AddToBatch(_store[i], physical, key);
                }
                if (_keyCounts[physical] != keysBefore || _volatileCounts[physical] != volatileBefore)
                {
                    _batch.Put(LsmNodeFormat.CountKey(physical), EncodeCounts(physical));
                }
                KeysWritten += _pending[i].Count;
                _pending[i].Clear();
            }
            _pendingCount = 0;
            ClearKnown();
            WriteBatchNow();
        }
        catch (Exception e)
        {
            _server.Logger.LogCritical(e, "LSM write failed; stopping so no unlogged write is acknowledged");
            Environment.FailFast("Cairn storage lsm: LSM write failed: " + e.Message, e);
        }
    }

    /// <summary>
    /// Durability ticket of the last batch written under appendfsync always (0 before any). A reply waits for it when it
    /// grew during the reply's command: that command's batch, an internal commit such as FLUSHDB's, or a served client's.
    /// </summary>
    public long LastTicket { get; private set; }

    private void WriteBatchNow()
    {
        if (_batch.Count == 0)
        {
            return;
        }
        // Under always the batch goes to the log unsynced and the group sync thread fsyncs it together with every other
        // batch of its round; the reply waits for that (see CommitForReply).
        _lsm.Write(_batch);
        Commits++;
        if (_server.Config.AppendFsync == "always")
        {
            LastTicket = _groupSync.Written();
        }
        else
        {
            Volatile.Write(ref _unsynced, 1);
        }
    }

    /// <summary>The group sync's fsync. A failure stops the process: waiting replies must not acknowledge unsynced writes.</summary>
    private void SyncLogOrStop()
    {
        try
        {
            _lsm.SyncLog();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            _server.Logger.LogCritical(e, "LSM fsync failed; stopping so no unsynced write is acknowledged");
            Environment.FailFast("Cairn storage lsm: LSM fsync failed: " + e.Message, e);
        }
    }

    private void AddToBatch(Database database, int physical, byte[] key)
    {
        byte[] dataKey = LsmNodeFormat.DataKey(physical, key);
        bool existed;
        DataType oldType = DataType.None;
        long oldExpiry = 0;
        if (_known[database.Index].TryGetValue(key, out StoredState known))
        {
            (existed, oldType, oldExpiry) = (known.Exists, known.Type, known.ExpiresAtMilliseconds);
        }
        else
        {
            byte[]? old = _lsm.Get(dataKey);
            existed = old is not null;
            if (old is not null)
            {
                LsmNodeFormat.TryReadValueHeader(old, out oldType, out oldExpiry);
            }
        }
        int slot = database.FindResident(key);
        if (slot >= 0)
        {
            ref KeyEntry entry = ref database.EntryAt(slot);
            DataType type = entry.Type;
            IValueCodec codec = ValueCodecs.For(type) ?? throw new InvalidOperationException($"no codec for type {type}");
            _scratch.Clear();
            LsmNodeFormat.WriteValueHeader(_scratch.GetSpan(LsmNodeFormat.ValueHeaderBytes), type, database.ExpiresAt(slot));
            _scratch.Advance(LsmNodeFormat.ValueHeaderBytes);
            codec.Write(entry.Value, _scratch);
            _batch.Put(dataKey, _scratch.WrittenSpan);
            if (!existed)
            {
                _keyCounts[physical]++;
            }
            long expiry = database.ExpiresAt(slot);
            if (expiry != oldExpiry)
            {
                if (oldExpiry != 0)
                {
                    _batch.Delete(LsmNodeFormat.ExpiryKey(physical, oldExpiry, key));
                    _volatileCounts[physical]--;
                }
                if (expiry != 0)
                {
                    _batch.Put(LsmNodeFormat.ExpiryKey(physical, expiry, key), s_empty);
                    _volatileCounts[physical]++;
                }
            }
            bool wasResident = existed && LsmNodeFormat.MustStayResident(oldType);
            bool isResident = LsmNodeFormat.MustStayResident(type);
            if (isResident && !wasResident)
            {
                _batch.Put(LsmNodeFormat.ResidentKey(physical, key), s_empty);
            }
            else if (wasResident && !isResident)
            {
                _batch.Delete(LsmNodeFormat.ResidentKey(physical, key));
            }
        }
        else if (existed)
        {
            _batch.Delete(dataKey);
            _keyCounts[physical]--;
            if (oldExpiry != 0)
            {
                _batch.Delete(LsmNodeFormat.ExpiryKey(physical, oldExpiry, key));
                _volatileCounts[physical]--;
            }
            if (LsmNodeFormat.MustStayResident(oldType))
            {
                _batch.Delete(LsmNodeFormat.ResidentKey(physical, key));
            }
        }
    }

    private byte[] EncodeCounts(int physical)
    {
        var counts = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(counts, _keyCounts[physical]);
        BinaryPrimitives.WriteInt64LittleEndian(counts.AsSpan(8), _volatileCounts[physical]);
        return counts;
    }

    private void ClearKnown()
    {
        if (_knownCount == 0)
        {
            return;
        }
        foreach (Dictionary<byte[], StoredState> known in _known)
        {
            known.Clear();
        }
        _knownCount = 0;
    }

    private readonly record struct StoredState(bool Exists, DataType Type, long ExpiresAtMilliseconds);

    /// <inheritdoc/>
    public void BeforeClear(Database database)
    {
        Commit();
        int physical = _physical[database.Index];
        _batch.Clear();
        foreach (byte family in (ReadOnlySpan<byte>)[LsmNodeFormat.DataFamily, LsmNodeFormat.ExpiryFamily, LsmNodeFormat.ResidentFamily])
        {
            (byte[] start, byte[] end) = LsmNodeFormat.FamilyRange(family, physical);
            _batch.DeleteRange(start, end);
        }
        _keyCounts[physical] = 0;
        _volatileCounts[physical] = 0;
        _batch.Put(LsmNodeFormat.CountKey(physical), EncodeCounts(physical));
        WriteBatchNow();
    }

    /// <inheritdoc/>
    public void BeforeSwap(Database first, Database second)
    {
        Commit();
        (_physical[first.Index], _physical[second.Index]) = (_physical[second.Index], _physical[first.Index]);
        _batch.Clear();
        _batch.Put(LsmNodeFormat.DatabaseMapKey, EncodeMap(_physical));
        WriteBatchNow();
    }

    /// <summary>DBSIZE: every key in the LSM, including expired ones not yet deleted (as Redis counts them).</summary>
    public long KeyCount(int database)
    {
        Commit();
        return _keyCounts[_physical[database]];
    }

    public long VolatileKeyCount(int database)
    {
        Commit();
        return _volatileCounts[_physical[database]];
    }

    private LsmIterator DataIterator(int database)
    {
        (byte[] start, byte[] end) = LsmNodeFormat.FamilyRange(LsmNodeFormat.DataFamily, _physical[database]);
        return _lsm.NewIterator(new ReadOptions { LowerBound = start, UpperBound = end, FillCache = false });
    }

    private static bool IsLive(ReadOnlySpan<byte> stored, long now, out DataType type)
    {
        if (!LsmNodeFormat.TryReadValueHeader(stored, out type, out long expiresAt))
        {
            return false;
        }
        return expiresAt == 0 || expiresAt >= now;
    }

    /// <summary>KEYS: the live keys of a database matching <paramref name="pattern"/> (null: all).</summary>
    public void Keys(int database, byte[]? pattern, long now, List<byte[]> output)
    {
        Commit();
        using LsmIterator iterator = DataIterator(database);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            ReadOnlySpan<byte> key = LsmNodeFormat.UserKeyOfDataKey(iterator.Key);
            if ((pattern is null || GlobPattern.IsMatch(pattern, key)) && IsLive(iterator.Value, now, out _))
            {
                output.Add(key.ToArray());
            }
        }
    }

    /// <summary>
    /// SCAN over the LSM: keys are stored in hash order, and the cursor is the hash position to resume at. A call stops
    /// only between two different hashes, so keys sharing a hash are returned together and every key present for the whole
    /// scan is returned at least once. COUNT bounds the keys examined. Returns the next cursor (0 at the end).
    /// </summary>
    public ulong Scan(int database, ulong cursor, long count, byte[]? pattern, DataType? type, long now, List<byte[]> output)
    {
        Commit();
        if (cursor > long.MaxValue)
        {
            return 0;
        }
        using LsmIterator iterator = DataIterator(database);
        iterator.Seek(LsmNodeFormat.DataPosition(_physical[database], cursor));
        long examined = 0;
        ulong lastHash = 0;
        for (; iterator.Valid; iterator.Next())
        {
            ulong hash = LsmNodeFormat.HashOfDataKey(iterator.Key);
            if (examined >= count && hash != lastHash)
            {
                return hash;
            }
            examined++;
            lastHash = hash;
            ReadOnlySpan<byte> key = LsmNodeFormat.UserKeyOfDataKey(iterator.Key);
            if ((pattern is null || GlobPattern.IsMatch(pattern, key)) && IsLive(iterator.Value, now, out DataType found)
                && (type is null || found == type))
            {
                output.Add(key.ToArray());
            }
        }
        return 0;
    }

    /// <summary>RANDOMKEY: the first live key at or after a random hash position (wrapping), or null when none is found.</summary>
    public byte[]? RandomKey(int database, IRandomSource random, long now)
    {
        Commit();
        if (_keyCounts[_physical[database]] == 0)
        {
            return null;
        }
        using LsmIterator iterator = DataIterator(database);
        for (int attempt = 0; attempt < 64; attempt++)
        {
            iterator.Seek(LsmNodeFormat.DataPosition(_physical[database], random.NextUInt64() >> 1));
            if (!iterator.Valid)
            {
                iterator.SeekToFirst();
            }
            for (int step = 0; step < 16 && iterator.Valid; step++, iterator.Next())
            {
                if (IsLive(iterator.Value, now, out _))
                {
                    return LsmNodeFormat.UserKeyOfDataKey(iterator.Key).ToArray();
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Active expiry for keys that are only in the LSM (resident ones expire through memory's own cycle): read the due
    /// entries of the expiry index in deadline order, at most <paramref name="maxKeysPerDatabase"/> each, and delete them.
    /// </summary>
    public int ExpireDue(long now, int maxKeysPerDatabase)
    {
        int expired = 0;
        for (int i = 0; i < _store.DatabaseCount; i++)
        {
            int physical = _physical[i];
            if (_volatileCounts[physical] == 0)
            {
                continue;
            }
            (byte[] start, _) = LsmNodeFormat.FamilyRange(LsmNodeFormat.ExpiryFamily, physical);
            byte[] end = LsmNodeFormat.ExpiryKey(physical, now, []);
            var due = new List<(long Deadline, byte[] Key)>();
            using (LsmIterator iterator = _lsm.NewIterator(new ReadOptions { LowerBound = start, UpperBound = end }))
            {
                for (iterator.SeekToFirst(); iterator.Valid && due.Count < maxKeysPerDatabase; iterator.Next())
                {
                    due.Add((LsmNodeFormat.ExpiryOfExpiryKey(iterator.Key), LsmNodeFormat.UserKeyOfExpiryKey(iterator.Key).ToArray()));
                }
            }
            Database database = _store[i];
            foreach ((long deadline, byte[] key) in due)
            {
                if (database.FindResident(key) >= 0)
                {
                    if (database.Find(key, now) < 0)
                    {
                        expired++;
                    }
                    continue;
                }
                byte[]? stored = _lsm.Get(LsmNodeFormat.DataKey(physical, key));
                if (stored is not null && LsmNodeFormat.TryReadValueHeader(stored, out _, out long expiresAt) && expiresAt == deadline)
                {
                    ExpireStored(database, key);
                    expired++;
                }
            }
        }
        Commit();
        return expired;
    }

    /// <summary>appendfsync everysec: one fsync a second when anything was written since the last (off the store lock).</summary>
    private void SyncIfEverySecond()
    {
        if (_server.Config.AppendFsync != "everysec" || Interlocked.Exchange(ref _unsynced, 0) == 0)
        {
            return;
        }
        try
        {
            _lsm.Write(new WriteBatch(), s_sync);
            Interlocked.Increment(ref _fsyncs);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (IOException e)
        {
            _server.Logger.LogError(e, "LSM fsync failed");
        }
    }

    /// <summary>INFO persistence in storage lsm mode: no AOF, no snapshots; the LSM's log is the durability.</summary>
    public void AppendPersistenceInfo(System.Text.StringBuilder text)
    {
        LsmStatistics stats = _lsm.GetStatistics();
        void Field(string name, object value) =>
            text.Append(name).Append(':').Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        Field("storage", "lsm");
        Field("aof_enabled", 0);
        Field("rdb_bgsave_in_progress", 0);
        Field("rdb_changes_since_last_save", 0);
        Field("lsm_fsync_policy", _server.Config.AppendFsync);
        Field("lsm_commits", Commits);
        Field("lsm_fsyncs", Fsyncs);
        Field("lsm_keys_written", KeysWritten);
        Field("lsm_keys_loaded", KeysLoaded);
        Field("lsm_keys_unloaded", KeysUnloaded);
        Field("lsm_live_table_bytes", stats.LiveTableBytes);
        Field("lsm_memtable_bytes", stats.MemtableBytes);
        Field("lsm_block_cache_bytes", stats.BlockCacheBytes);
        Field("lsm_flushes", stats.Flushes);
        Field("lsm_compactions", stats.Compactions);
        Field("lsm_write_amplification", Math.Round(stats.WriteAmplification, 2));
    }

    /// <summary>Clean shutdown: commit what is pending, sync, close. REQUIRES: the store lock is held or no client runs.</summary>
    public void Dispose()
    {
        _fsyncTimer.Dispose();
        Commit();
        _groupSync.Dispose();
        try
        {
            _lsm.Write(new WriteBatch(), s_sync);
        }
        catch (ObjectDisposedException)
        {
        }
        _lsm.Dispose();
    }
}
