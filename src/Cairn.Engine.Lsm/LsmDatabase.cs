using System.Diagnostics;
using Cairn.Engine.Lsm.Compaction;
using Cairn.Engine.Lsm.Iterators;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Manifest;
using Cairn.Engine.Lsm.Memtable;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Engine.Lsm.Table;
using Cairn.Engine.Lsm.Wal;
using Cairn.Engine.Lsm.Cache;
using Cairn.Engine.Lsm.Scrub;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm;

/// <summary>
/// A log-structured merge-tree key-value store over byte keys and values (LevelDB's design): writes go to a write-ahead log
/// and a memtable; full memtables are flushed to level-0 tables in the background; leveled compaction merges tables down.
/// </summary>
/// <remarks>
/// Thread safety: every public member may be called from any thread. Writers are serialised through a queue whose head
/// (the leader) commits the whole queue as one group (one log record, one optional sync). Reads take no lock: they pin the
/// current <see cref="ReadState"/>. One mutex guards the writer queue, the memtable switch, the version set and the
/// background-work flags; no IO happens under it except manifest writes.
/// Invariants: sequence numbers are assigned in commit order and a write is visible only once its whole group is in the
/// memtable; every log numbered at or above the version set's log number holds writes not yet in a table.
/// </remarks>
public sealed class LsmDatabase : IDisposable
{
    private const int MaxGroupBytes = 1024 * 1024;
    private const int MaxCorruptionReports = 256;

    private readonly object _mutex = new();
    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private readonly LsmOptions _options;
    private readonly BlockCache _blockCache;
    private readonly TableCache _tableCache;
    private readonly VersionSet _versions;
    private readonly CompactionPicker _picker;
    private readonly SeededRandom _random;
    private readonly LinkedList<PendingWrite> _writers = new();
    private readonly LinkedList<Snapshot> _snapshots = new();
    private readonly List<MemTable> _immutables = [];
    private readonly HashSet<ulong> _pendingOutputs = [];
    private readonly List<ReadState> _retiredStates = [];
    private readonly List<CorruptionException> _corruptions = [];
    private readonly WriteBatch _groupBatch = new();
    private readonly List<string> _recoveryReport = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<Thread> _threads = [];
    private MemTable _memtable = null!;
    private LogWriter? _log;
    private ReadState _readState = null!;
    private Exception? _backgroundError;
    private bool _flushRunning;
    private bool _compactionRunning;
    private bool _disposed;
    private long _pacingDebtTicks;
    private long _deferredPacingTicks;
    private long _userBytes, _walBytes, _flushBytes, _compactionRead, _compactionWritten, _pacedWrites, _pacingTicks;
    private int _flushes, _compactions, _trivialMoves;
    private Scrubber? _scrubber;

    private LsmDatabase(LsmOptions options, IFileSystem fileSystem, string directory)
    {
        _options = options;
        _fileSystem = fileSystem;
        _directory = directory.TrimEnd('/');
        _random = new SeededRandom(options.RandomSeed);
        _blockCache = new BlockCache(options.BlockCacheCapacityBytes);
        _tableCache = new TableCache(fileSystem, _directory, _blockCache, RecordCorruption);
        _versions = new VersionSet(fileSystem, _directory, _tableCache);
        _picker = new CompactionPicker(options);
    }

    /// <summary>What recovery found: torn log tails, damaged records dropped, files ignored. Empty after a clean shutdown.</summary>
    public IReadOnlyList<string> RecoveryReport => _recoveryReport;

    /// <summary>Opens (creating if absent) the database in <paramref name="directory"/>.</summary>
    public static LsmDatabase Open(LsmOptions options, IFileSystem fileSystem, string directory)
    {
        options.Validate();
        fileSystem.CreateDirectory(directory);
        var database = new LsmDatabase(options, fileSystem, directory);
        try
        {
            database.Recover();
        }
        catch
        {
            database.DisposeResources();
            throw;
        }
        database.StartBackgroundThreads();
        return database;
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, WriteOptions? options = null)
    {
        var batch = new WriteBatch();
        batch.Put(key, value);
        Write(batch, options);
    }

    /// <summary>Puts a value that reads as absent from <paramref name="expiresAt"/> on (by <see cref="LsmOptions.TimeProvider"/>).</summary>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, DateTimeOffset expiresAt, WriteOptions? options = null)
    {
        var batch = new WriteBatch();
        batch.Put(key, value, expiresAt);
        Write(batch, options);
    }

    public void Delete(ReadOnlySpan<byte> key, WriteOptions? options = null)
    {
        var batch = new WriteBatch();
        batch.Delete(key);
        Write(batch, options);
    }

    /// <summary>Deletes every key in [<paramref name="startKey"/>, <paramref name="endKey"/>).</summary>
    public void DeleteRange(ReadOnlySpan<byte> startKey, ReadOnlySpan<byte> endKey, WriteOptions? options = null)
    {
        var batch = new WriteBatch();
        batch.DeleteRange(startKey, endKey);
        Write(batch, options);
    }

    /// <summary>Applies the batch atomically. Returns once it is in the log (synced if asked) and visible to readers.</summary>
    public void Write(WriteBatch batch, WriteOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // An empty synced write still syncs the log: callers use it as a barrier for their earlier unsynced writes.
        if (batch.Count == 0 && !(options?.Sync ?? false))
        {
            return;
        }
        var pending = new PendingWrite(batch, options?.Sync ?? false);
        Monitor.Enter(_mutex);
        try
        {
            LinkedListNode<PendingWrite> node = _writers.AddLast(pending);
            while (!pending.Done && _writers.First != node)
            {
                Monitor.Wait(_mutex);
            }
            if (pending.Done)
            {
                if (pending.Error is not null)
                {
                    throw new IOException("write failed: " + pending.Error.Message, pending.Error);
                }
                return;
            }
            Exception? error = null;
            LinkedListNode<PendingWrite>? last = null;
            try
            {
                MakeRoomForWrite(force: false, batch.SizeBytes);
                WriteBatch group = BuildGroup(out last, out bool sync);
                ulong sequence = _versions.LastSequence + 1;
                group.Sequence = sequence;
                MemTable memtable = _memtable;
                LogWriter log = _log!;
                Monitor.Exit(_mutex);
                try
                {
                    log.AddRecord(group.Contents);
                    if (sync)
                    {
                        log.Sync();
                    }
                    else
                    {
                        log.Flush();
                    }
                    InsertIntoMemtable(group, memtable);
                }
                catch (Exception e)
                {
                    error = e;
                }
                finally
                {
                    Monitor.Enter(_mutex);
                }
                if (error is null)
                {
                    _versions.LastSequence = sequence + (ulong)group.Count - 1;
                    _walBytes += group.SizeBytes;
                    _userBytes += group.SizeBytes - WriteBatch.HeaderBytes;
                }
                else
                {
                    // The log's tail is unknown: refuse further writes rather than risk a gap in the log.
                    _backgroundError ??= error;
                }
            }
            catch (Exception e) when (last is null)
            {
                error = e;
                last = node;
            }
            while (true)
            {
                LinkedListNode<PendingWrite> first = _writers.First!;
                _writers.RemoveFirst();
                first.Value.Error = error;
                first.Value.Done = true;
                if (first == last)
                {
                    break;
                }
            }
            Monitor.PulseAll(_mutex);
            if (error is not null)
            {
                throw error is IOException io ? io : new IOException("write failed: " + error.Message, error);
            }
        }
        finally
        {
            Monitor.Exit(_mutex);
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null if absent or deleted.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key, ReadOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReadState state = PinReadState();
        try
        {
            ulong sequence = options?.Snapshot?.Sequence ?? Volatile.Read(ref _lastVisibleSequence);
            return Get(state, key, sequence);
        }
        finally
        {
            state.Unpin();
        }
    }

    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value, ReadOptions? options = null)
    {
        byte[]? found = Get(key, options);
        value = found ?? [];
        return found is not null;
    }

    public Snapshot GetSnapshot()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_mutex)
        {
            var snapshot = new Snapshot(this, Volatile.Read(ref _lastVisibleSequence));
            snapshot.Node = _snapshots.AddLast(snapshot);
            return snapshot;
        }
    }

    /// <summary>A cursor over the keys visible as of <see cref="ReadOptions.Snapshot"/> (or now), within its bounds.</summary>
    public LsmIterator NewIterator(ReadOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= ReadOptions.Default;
        ReadState state = PinReadState();
        try
        {
            ulong sequence = options.Snapshot?.Sequence ?? Volatile.Read(ref _lastVisibleSequence);
            var children = new List<IInternalIterator> { state.Active.NewIterator() };
            foreach (MemTable immutable in state.Immutables)
            {
                children.Add(immutable.NewIterator());
            }
            foreach (FileMetadata file in state.Version.Levels[0])
            {
                children.Add(_tableCache.Get(file.Number).NewIterator(options.FillCache));
            }
            for (int level = 1; level < LsmOptions.LevelCount; level++)
            {
                if (state.Version.Levels[level].Count > 0)
                {
                    children.Add(new LevelIterator(state.Version.Levels[level], _tableCache, options.FillCache));
                }
            }
            (byte[]? lower, byte[]? upper) = Bounds(options);
            return new LsmIterator(new MergingIterator([.. children]), sequence, CollectTombstones(state), lower, upper,
                NowUnixMilliseconds, state.Unpin);
        }
        catch
        {
            state.Unpin();
            throw;
        }
    }

    /// <summary>Freezes the memtable and waits until every memtable is in a table.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_mutex)
        {
            ThrowIfBackgroundError();
            if (!_memtable.IsEmpty)
            {
                SwitchMemtable();
            }
            while (_immutables.Count > 0)
            {
                ThrowIfBackgroundError();
                if (!_options.BackgroundWork && !_flushRunning)
                {
                    FlushOldestImmutable();
                }
                else
                {
                    Monitor.Wait(_mutex, 100);
                }
            }
        }
    }

    /// <summary>
    /// Flushes, then compacts every level into the next down to the deepest populated one, which is rewritten in place if
    /// it holds tombstones: afterwards nothing a snapshot does not need remains.
    /// </summary>
    public void CompactAll()
    {
        Flush();
        for (int level = 0; level < LsmOptions.LevelCount; level++)
        {
            lock (_mutex)
            {
                while (_compactionRunning)
                {
                    Monitor.Wait(_mutex, 100);
                }
                if (_versions.Current.Levels[level].Count == 0)
                {
                    continue;
                }
                bool deeper = HasDeeperData(level);
                if (level > 0 && !deeper && !HasTombstones(level))
                {
                    continue;
                }
                _compactionRunning = true;
                try
                {
                    // Level 0 always moves to level 1 (its files overlap); deeper levels move down while data lies below.
                    bool inPlace = level > 0 && !deeper;
                    CompactionTask? task = _picker.PickManual(_versions.Current, level, inPlace);
                    if (task is not null)
                    {
                        RunCompaction(task);
                    }
                }
                finally
                {
                    _compactionRunning = false;
                    Monitor.PulseAll(_mutex);
                }
            }
        }
    }

    /// <summary>Runs compactions that are due until none is (for tests and tools when background work is off).</summary>
    public void CompactUntilSettled()
    {
        while (true)
        {
            lock (_mutex)
            {
                while (_compactionRunning)
                {
                    Monitor.Wait(_mutex, 100);
                }
                CompactionTask? task = _picker.Pick(_versions.Current, SmallestSnapshot());
                if (task is null)
                {
                    return;
                }
                _compactionRunning = true;
                try
                {
                    RunCompaction(task);
                }
                finally
                {
                    _compactionRunning = false;
                    Monitor.PulseAll(_mutex);
                }
            }
        }
    }

    /// <summary>Verifies the checksum of every block of every live table now; returns the damage found.</summary>
    public IReadOnlyList<CorruptionException> VerifyAllTables()
    {
        ReadState state = PinReadState();
        try
        {
            var found = new List<CorruptionException>();
            foreach (List<FileMetadata> files in state.Version.Levels)
            {
                foreach (FileMetadata file in files)
                {
                    Scrubber.VerifyTable(_tableCache, file, found, bytesPerSecond: 0, _shutdown.Token);
                }
            }
            return found;
        }
        finally
        {
            state.Unpin();
        }
    }

    /// <summary>Damaged blocks met so far (by reads, compactions or the scrubber), oldest first, at most 256.</summary>
    public IReadOnlyList<CorruptionException> GetCorruptions()
    {
        lock (_corruptions)
        {
            return [.. _corruptions];
        }
    }

    /// <summary>
    /// Makes every write that has returned durable, without entering the writer queue, so writers keep appending while
    /// it runs: the embedder's group commit (write unsynced, then one SyncLog for the whole group). A log switched away
    /// from was synced at the switch, so syncing the current log covers everything written before this call.
    /// </summary>
    public void SyncLog()
    {
        LogWriter? log;
        lock (_mutex)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfBackgroundError();
            log = _log;
        }
        try
        {
            log?.SyncFlushed();
        }
        catch (ObjectDisposedException)
        {
            // Switched (and synced) while we were on our way: nothing written before the call is left unsynced.
        }
    }

    /// <summary>
    /// With <see cref="LsmOptions.WritersSleepOffPacing"/> off: the pacing delay writes have run up since the last call,
    /// which the caller should wait out (outside its own locks) before writing again. Zero otherwise.
    /// </summary>
    public TimeSpan TakePacingDelay() =>
        TimeSpan.FromSeconds(Interlocked.Exchange(ref _deferredPacingTicks, 0) / (double)Stopwatch.Frequency);

    public LsmStatistics GetStatistics()
    {
        lock (_mutex)
        {
            TreeVersion version = _versions.Current;
            var files = new int[LsmOptions.LevelCount];
            var bytes = new long[LsmOptions.LevelCount];
            long live = 0;
            for (int level = 0; level < LsmOptions.LevelCount; level++)
            {
                files[level] = version.Levels[level].Count;
                bytes[level] = version.LevelBytes(level);
                live += bytes[level];
            }
            long memtables = _memtable.MemoryBytes;
            foreach (MemTable immutable in _immutables)
            {
                memtables += immutable.MemoryBytes;
            }
            return new LsmStatistics
            {
                UserBytesWritten = _userBytes,
                WalBytesWritten = _walBytes,
                FlushBytesWritten = _flushBytes,
                CompactionBytesRead = _compactionRead,
                CompactionBytesWritten = _compactionWritten,
                Flushes = _flushes,
                Compactions = _compactions,
                TrivialMoves = _trivialMoves,
                PacedWrites = _pacedWrites,
                PacingDelay = TimeSpan.FromSeconds(_pacingTicks / (double)Stopwatch.Frequency),
                FilesPerLevel = files,
                BytesPerLevel = bytes,
                LiveTableBytes = live,
                MemtableBytes = memtables,
                BlockCacheBytes = _blockCache.UsageBytes,
                BlockCacheCapacityBytes = _blockCache.CapacityBytes,
                BlockCacheHits = _blockCache.Hits,
                BlockCacheMisses = _blockCache.Misses,
            };
        }
    }

    /// <summary>Memory the engine holds against its budget: memtables plus block cache (data, index and filter blocks).</summary>
    public long MemoryUsageBytes
    {
        get
        {
            LsmStatistics statistics = GetStatistics();
            return statistics.MemtableBytes + statistics.BlockCacheBytes;
        }
    }

    public void Dispose()
    {
        lock (_mutex)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            Monitor.PulseAll(_mutex);
        }
        _shutdown.Cancel();
        lock (_mutex)
        {
            Monitor.PulseAll(_mutex);
        }
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
        lock (_mutex)
        {
            try
            {
                _log?.Flush();
            }
            catch (IOException)
            {
                // Best effort: a crashed or failing file system loses what the log contract allows it to lose.
            }
            DisposeResources();
        }
    }

    /// <summary>True when no flush or compaction is running or due (benchmarks wait for this between phases).</summary>
    internal bool IsIdle
    {
        get
        {
            lock (_mutex)
            {
                return _immutables.Count == 0 && !_flushRunning && !_compactionRunning
                    && !_picker.NeedsCompaction(_versions.Current, SmallestSnapshot());
            }
        }
    }

    internal void ReleaseSnapshot(Snapshot snapshot)
    {
        lock (_mutex)
        {
            if (snapshot.Node is not null)
            {
                _snapshots.Remove(snapshot.Node);
                snapshot.Node = null;
                Monitor.PulseAll(_mutex);
            }
        }
    }

    internal string Directory => _directory;

    private ulong _lastVisibleSequence;

    private byte[]? Get(ReadState state, ReadOnlySpan<byte> key, ulong sequence)
    {
        byte[]? rented = null;
        int length = key.Length + InternalKey.TrailerBytes;
        Span<byte> lookup = length <= 256 ? stackalloc byte[length] : (rented = new byte[length]);
        InternalKey.Write(lookup, key, sequence, InternalKey.TypeForSeek);
        _ = rented;
        LookupResult result = state.Active.Get(key, sequence, out byte[]? value, out ulong foundSequence);
        if (result == LookupResult.NotFound)
        {
            foreach (MemTable immutable in state.Immutables)
            {
                result = immutable.Get(key, sequence, out value, out foundSequence);
                if (result != LookupResult.NotFound)
                {
                    break;
                }
            }
        }
        if (result == LookupResult.NotFound)
        {
            result = state.Version.Get(lookup, BloomFilter.Hash(key), out value, out foundSequence);
        }
        if (result is not (LookupResult.Found or LookupResult.FoundExpiring))
        {
            return null;
        }
        if (state.HasRangeTombstones && MaxCoveringTombstone(state, key, sequence) > foundSequence)
        {
            return null;
        }
        if (result == LookupResult.FoundExpiring)
        {
            return ExpiringValue.IsExpired(value, NowUnixMilliseconds) ? null : ExpiringValue.Value(value).ToArray();
        }
        return value;
    }

    private long NowUnixMilliseconds => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static ulong MaxCoveringTombstone(ReadState state, ReadOnlySpan<byte> key, ulong sequence)
    {
        ulong max = 0;
        if (state.Active.RangeTombstoneCount > 0)
        {
            max = Math.Max(max, state.Active.FragmentedTombstones.MaxCoveringSequence(key, sequence));
        }
        foreach (MemTable immutable in state.Immutables)
        {
            if (immutable.RangeTombstoneCount > 0)
            {
                max = Math.Max(max, immutable.FragmentedTombstones.MaxCoveringSequence(key, sequence));
            }
        }
        if (state.Version.HasRangeTombstones)
        {
            max = Math.Max(max, state.Version.RangeTombstones.MaxCoveringSequence(key, sequence));
        }
        return max;
    }

    private static FragmentedRangeTombstones CollectTombstones(ReadState state)
    {
        if (!state.HasRangeTombstones)
        {
            return FragmentedRangeTombstones.Empty;
        }
        var all = new List<RangeTombstone>(state.Active.RangeTombstones);
        foreach (MemTable immutable in state.Immutables)
        {
            all.AddRange(immutable.RangeTombstones);
        }
        if (state.Version.HasRangeTombstones)
        {
            all.AddRange(state.Version.RangeTombstones.ToTombstones());
        }
        return FragmentedRangeTombstones.Build(all);
    }

    private static (byte[]? Lower, byte[]? Upper) Bounds(ReadOptions options)
    {
        byte[]? lower = options.LowerBound;
        byte[]? upper = options.UpperBound;
        if (options.Prefix is { } prefix)
        {
            if (lower is null || lower.AsSpan().SequenceCompareTo(prefix) < 0)
            {
                lower = prefix;
            }
            byte[]? successor = PrefixSuccessor(prefix);
            if (successor is not null && (upper is null || upper.AsSpan().SequenceCompareTo(successor) > 0))
            {
                upper = successor;
            }
        }
        return (lower, upper);
    }

    /// <summary>The smallest key greater than every key with this prefix, or null if there is none (all 0xFF).</summary>
    private static byte[]? PrefixSuccessor(byte[] prefix)
    {
        for (int i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != 0xFF)
            {
                byte[] successor = prefix.AsSpan(0, i + 1).ToArray();
                successor[i]++;
                return successor;
            }
        }
        return null;
    }

    private ReadState PinReadState()
    {
        while (true)
        {
            ReadState state = Volatile.Read(ref _readState);
            state.Pin();
            if (ReferenceEquals(state, Volatile.Read(ref _readState)))
            {
                return state;
            }
            state.Unpin();
        }
    }

    /// <summary>REQUIRES: mutex held. Publishes a new read state after the memtables or the version changed.</summary>
    private void PublishReadState()
    {
        var immutables = new MemTable[_immutables.Count];
        for (int i = 0; i < immutables.Length; i++)
        {
            immutables[i] = _immutables[_immutables.Count - 1 - i];
        }
        ReadState previous = _readState;
        Volatile.Write(ref _readState, new ReadState(_memtable, immutables, _versions.Current));
        if (previous is not null)
        {
            _retiredStates.Add(previous);
        }
    }

    private WriteBatch BuildGroup(out LinkedListNode<PendingWrite> last, out bool sync)
    {
        LinkedListNode<PendingWrite> first = _writers.First!;
        last = first;
        sync = first.Value.Sync;
        if (first.Next is null)
        {
            return first.Value.Batch;
        }
        _groupBatch.Clear();
        _groupBatch.Append(first.Value.Batch);
        int size = first.Value.Batch.SizeBytes;
        // A small write does not wait behind a large group: cap the group near 1 MiB (LevelDB's rule).
        int maxSize = size <= 128 * 1024 ? size + (128 * 1024) : MaxGroupBytes;
        for (LinkedListNode<PendingWrite>? node = first.Next; node is not null; node = node.Next)
        {
            if (node.Value.Sync && !sync)
            {
                break;
            }
            size += node.Value.Batch.SizeBytes;
            if (size > maxSize)
            {
                break;
            }
            _groupBatch.Append(node.Value.Batch);
            last = node;
        }
        return _groupBatch;
    }

    private void InsertIntoMemtable(WriteBatch batch, MemTable memtable)
    {
        var reader = new WriteBatchReader(batch.Contents);
        ulong sequence = batch.Sequence;
        while (reader.TryRead(out EntryType type, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value))
        {
            memtable.Add(sequence++, type, key, value);
        }
        Invariant.Require(!reader.Malformed, "a batch built in this process decodes");
        Volatile.Write(ref _lastVisibleSequence, sequence - 1);
    }

    /// <summary>REQUIRES: mutex held, caller is the writer at the head of the queue.</summary>
    private void MakeRoomForWrite(bool force, int batchBytes)
    {
        bool allowDelay = !force;
        while (true)
        {
            ThrowIfBackgroundError();
            int level0 = _versions.Current.Levels[0].Count;
            // Pacing only makes sense when background compaction can catch up.
            if (allowDelay && _options.BackgroundWork && level0 >= _options.Level0SlowdownTrigger)
            {
                // Pace rather than stall: the allowed rate halves for every slowdown step beyond the trigger, and the
                // writer sleeps off its debt outside the mutex so flushes and compactions proceed.
                int steps = Math.Min(8, level0 - _options.Level0SlowdownTrigger);
                long rate = Math.Max(1024, _options.PacedWriteRateBytesPerSecond >> steps);
                _pacingDebtTicks += (long)(batchBytes * (double)Stopwatch.Frequency / rate);
                _pacedWrites++;
                long millisecond = Stopwatch.Frequency / 1000;
                if (_pacingDebtTicks >= millisecond && !_options.WritersSleepOffPacing)
                {
                    long debt = Math.Min(_pacingDebtTicks, 100 * millisecond);
                    _pacingDebtTicks = 0;
                    _pacingTicks += debt;
                    Interlocked.Add(ref _deferredPacingTicks, debt);
                }
                else if (_pacingDebtTicks >= millisecond)
                {
                    long debt = Math.Min(_pacingDebtTicks, 100 * millisecond);
                    _pacingDebtTicks = 0;
                    _pacingTicks += debt;
                    Monitor.Exit(_mutex);
                    try
                    {
                        Thread.Sleep(TimeSpan.FromSeconds(debt / (double)Stopwatch.Frequency));
                    }
                    finally
                    {
                        Monitor.Enter(_mutex);
                    }
                }
                allowDelay = false;
            }
            else if (!force && _memtable.MemoryBytes < _options.EffectiveWriteBufferSizeBytes)
            {
                return;
            }
            else if (_immutables.Count >= _options.MaxImmutableMemtables)
            {
                // The memory budget is full: this is the one wait that cannot be paced away.
                if (!_options.BackgroundWork && !_flushRunning)
                {
                    FlushOldestImmutable();
                }
                else
                {
                    Monitor.Wait(_mutex, 100);
                }
            }
            else
            {
                SwitchMemtable();
                force = false;
            }
        }
    }

    /// <summary>REQUIRES: mutex held. Freezes the memtable and starts a new log.</summary>
    private void SwitchMemtable()
    {
        ulong logNumber = _versions.NewFileNumber();
        IWritableFile file = _fileSystem.CreateWritable(DatabaseFiles.LogPath(_directory, logNumber));
        LogWriter log;
        try
        {
            log = new LogWriter(file, LogFormat.WalMagic);
            // Sync the old log so that a later synced write can never survive a crash that loses an earlier one.
            _log?.Sync();
            _fileSystem.SyncDirectory(_directory);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        _log?.Dispose();
        _log = log;
        _immutables.Add(_memtable);
        _memtable = new MemTable(logNumber, _random);
        PublishReadState();
        Monitor.PulseAll(_mutex);
    }

    private void ThrowIfBackgroundError()
    {
        // A writer or Flush() waiting for memory must not outlive the background threads that would free it.
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_backgroundError is { } error)
        {
            throw new IOException("the database stopped accepting writes after an IO failure: " + error.Message, error);
        }
    }

    private ulong SmallestSnapshot() => _snapshots.First?.Value.Sequence ?? _versions.LastSequence;

    private bool HasDeeperData(int level)
    {
        for (int deeper = level + 1; deeper < LsmOptions.LevelCount; deeper++)
        {
            if (_versions.Current.Levels[deeper].Count > 0)
            {
                return true;
            }
        }
        return false;
    }

    private bool HasTombstones(int level)
    {
        foreach (FileMetadata file in _versions.Current.Levels[level])
        {
            if (file.DeletionCount > 0 || file.RangeDeletionCount > 0)
            {
                return true;
            }
        }
        return false;
    }

    private ulong NewOutputFileNumber()
    {
        lock (_mutex)
        {
            ulong number = _versions.NewFileNumber();
            _pendingOutputs.Add(number);
            return number;
        }
    }

    /// <summary>REQUIRES: mutex held, at least one immutable memtable, no other flush running. Releases the mutex for IO.</summary>
    private void FlushOldestImmutable()
    {
        MemTable memtable = _immutables[0];
        _flushRunning = true;
        CompactionOutput output = new();
        Exception? error = null;
        ulong smallestSnapshot = SmallestSnapshot();
        Monitor.Exit(_mutex);
        try
        {
            output = FlushJob.Run(memtable, _fileSystem, _directory, _options, smallestSnapshot, NewOutputFileNumber);
            if (output.Files.Count > 0)
            {
                _fileSystem.SyncDirectory(_directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e;
        }
        finally
        {
            Monitor.Enter(_mutex);
            _flushRunning = false;
        }
        try
        {
            if (error is not null)
            {
                throw error;
            }
            var edit = new VersionEdit
            {
                LogNumber = _immutables.Count > 1 ? _immutables[1].WalNumber : _memtable.WalNumber,
            };
            foreach (FileMetadata file in output.Files)
            {
                edit.NewFiles.Add((0, file));
            }
            _versions.LogAndApply(edit);
            _immutables.RemoveAt(0);
            _flushes++;
            _flushBytes += output.BytesWritten;
            PublishReadState();
            DeleteObsoleteFiles();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (FileMetadata file in output.Files)
            {
                _fileSystem.Delete(DatabaseFiles.TablePath(_directory, file.Number));
            }
            throw;
        }
        finally
        {
            foreach (FileMetadata file in output.Files)
            {
                _pendingOutputs.Remove(file.Number);
            }
            Monitor.PulseAll(_mutex);
        }
    }

    /// <summary>REQUIRES: mutex held, task picked (inputs marked), caller owns the compaction slot. Releases the mutex for IO.</summary>
    private void RunCompaction(CompactionTask task)
    {
        try
        {
            if (task.IsTrivialMove)
            {
                FileMetadata file = task.LevelInputs[0];
                var move = new VersionEdit();
                move.DeletedFiles.Add((task.Level, file.Number));
                move.NewFiles.Add((task.OutputLevel, file));
                _versions.LogAndApply(move);
                _trivialMoves++;
                PublishReadState();
                return;
            }
            ulong smallestSnapshot = SmallestSnapshot();
            CompactionOutput output;
            Monitor.Exit(_mutex);
            try
            {
                output = CompactionJob.Run(task, _tableCache, _fileSystem, _directory, _options, smallestSnapshot,
                    NewOutputFileNumber, _shutdown.Token);
                if (output.Files.Count > 0)
                {
                    _fileSystem.SyncDirectory(_directory);
                }
            }
            finally
            {
                Monitor.Enter(_mutex);
            }
            try
            {
                var edit = new VersionEdit();
                foreach (FileMetadata file in task.LevelInputs)
                {
                    edit.DeletedFiles.Add((task.Level, file.Number));
                }
                foreach (FileMetadata file in task.OutputLevelInputs)
                {
                    edit.DeletedFiles.Add((task.OutputLevel, file.Number));
                }
                foreach (FileMetadata file in output.Files)
                {
                    edit.NewFiles.Add((task.OutputLevel, file));
                }
                _versions.LogAndApply(edit);
            }
            catch
            {
                foreach (FileMetadata file in output.Files)
                {
                    _fileSystem.Delete(DatabaseFiles.TablePath(_directory, file.Number));
                }
                throw;
            }
            finally
            {
                foreach (FileMetadata file in output.Files)
                {
                    _pendingOutputs.Remove(file.Number);
                }
            }
            _compactions++;
            _compactionRead += output.BytesRead;
            _compactionWritten += output.BytesWritten;
            PublishReadState();
            DeleteObsoleteFiles();
        }
        catch (CorruptionException e)
        {
            // Leave the damaged table where it is (reads of its other blocks still work) and compact around it.
            RecordCorruption(e);
            foreach (FileMetadata file in task.AllInputs)
            {
                if (e.FilePath == DatabaseFiles.TablePath(_directory, file.Number))
                {
                    file.Quarantined = true;
                }
            }
        }
        finally
        {
            foreach (FileMetadata file in task.AllInputs)
            {
                file.BeingCompacted = false;
            }
            Monitor.PulseAll(_mutex);
        }
    }

    /// <summary>REQUIRES: mutex held. Deletes tables, logs and manifests that nothing live refers to.</summary>
    private void DeleteObsoleteFiles()
    {
        var live = new HashSet<ulong>(_pendingOutputs);
        _versions.AddLiveFiles(live);
        for (int i = _retiredStates.Count - 1; i >= 0; i--)
        {
            ReadState state = _retiredStates[i];
            if (state.Pins == 0)
            {
                _retiredStates.RemoveAt(i);
                continue;
            }
            foreach (List<FileMetadata> files in state.Version.Levels)
            {
                foreach (FileMetadata file in files)
                {
                    live.Add(file.Number);
                }
            }
        }
        foreach (string name in _fileSystem.List(_directory))
        {
            DatabaseFiles.Kind kind = DatabaseFiles.Parse(name, out ulong number);
            bool keep = kind switch
            {
                DatabaseFiles.Kind.Log => number >= _versions.LogNumber,
                DatabaseFiles.Kind.Table => live.Contains(number),
                DatabaseFiles.Kind.Manifest => number >= _versions.ManifestNumber,
                DatabaseFiles.Kind.Temp => _pendingOutputs.Contains(number),
                _ => true,
            };
            if (!keep)
            {
                if (kind == DatabaseFiles.Kind.Table)
                {
                    _tableCache.Evict(number);
                }
                _fileSystem.Delete($"{_directory}/{name}");
            }
        }
    }

    private void RecordCorruption(CorruptionException e)
    {
        lock (_corruptions)
        {
            foreach (CorruptionException known in _corruptions)
            {
                if (known.FilePath == e.FilePath && known.Offset == e.Offset)
                {
                    return;
                }
            }
            if (_corruptions.Count < MaxCorruptionReports)
            {
                _corruptions.Add(e);
            }
        }
    }

    private void Recover()
    {
        lock (_mutex)
        {
            bool exists = _versions.Recover(_recoveryReport);
            var logs = new List<ulong>();
            foreach (string name in _fileSystem.List(_directory))
            {
                DatabaseFiles.Kind kind = DatabaseFiles.Parse(name, out ulong number);
                if (kind != DatabaseFiles.Kind.Unknown && kind != DatabaseFiles.Kind.Current)
                {
                    _versions.MarkFileNumberUsed(number);
                }
                if (kind == DatabaseFiles.Kind.Log && exists && number >= _versions.LogNumber)
                {
                    logs.Add(number);
                }
            }
            if (exists)
            {
                foreach (List<FileMetadata> files in _versions.Current.Levels)
                {
                    foreach (FileMetadata file in files)
                    {
                        string path = DatabaseFiles.TablePath(_directory, file.Number);
                        if (!_fileSystem.Exists(path))
                        {
                            throw new CorruptionException(path, 0, "table listed in the manifest is missing");
                        }
                    }
                }
                logs.Sort();
                var edit = new VersionEdit();
                new WalReplayer(this, edit).Replay(logs);
                ulong logNumber = _versions.NewFileNumber();
                _log = new LogWriter(_fileSystem.CreateWritable(DatabaseFiles.LogPath(_directory, logNumber)), LogFormat.WalMagic);
                _fileSystem.SyncDirectory(_directory);
                _memtable = new MemTable(logNumber, _random);
                edit.LogNumber = logNumber;
                _versions.LogAndApply(edit);
            }
            else
            {
                ulong logNumber = _versions.NewFileNumber();
                _log = new LogWriter(_fileSystem.CreateWritable(DatabaseFiles.LogPath(_directory, logNumber)), LogFormat.WalMagic);
                _memtable = new MemTable(logNumber, _random);
                _versions.LogAndApply(new VersionEdit { LogNumber = logNumber });
            }
            _pendingOutputs.Clear();
            _lastVisibleSequence = _versions.LastSequence;
            PublishReadState();
            DeleteObsoleteFiles();
        }
    }

    /// <summary>Replays one recovered batch into a recovery memtable, writing a level-0 table whenever it fills.</summary>
    internal void ReplayBatch(WriteBatch batch, ref MemTable? memtable, VersionEdit edit)
    {
        memtable ??= new MemTable(0, _random);
        var reader = new WriteBatchReader(batch.Contents);
        ulong sequence = batch.Sequence;
        while (reader.TryRead(out EntryType type, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value))
        {
            memtable.Add(sequence++, type, key, value);
        }
        if (sequence - 1 > _versions.LastSequence)
        {
            _versions.LastSequence = sequence - 1;
        }
        if (memtable.MemoryBytes >= _options.EffectiveWriteBufferSizeBytes)
        {
            WriteRecoveryTable(memtable, edit);
            memtable = null;
        }
    }

    internal void WriteRecoveryTable(MemTable memtable, VersionEdit edit)
    {
        CompactionOutput output = FlushJob.Run(memtable, _fileSystem, _directory, _options, _versions.LastSequence, () =>
        {
            ulong number = _versions.NewFileNumber();
            _pendingOutputs.Add(number);
            return number;
        });
        if (output.Files.Count > 0)
        {
            _fileSystem.SyncDirectory(_directory);
        }
        foreach (FileMetadata file in output.Files)
        {
            edit.NewFiles.Add((0, file));
        }
    }

    internal void AddRecoveryReport(string line) => _recoveryReport.Add(line);

    internal IFileSystem FileSystem => _fileSystem;

    internal LsmOptions Options => _options;

    private void StartBackgroundThreads()
    {
        if (_options.BackgroundWork)
        {
            _threads.Add(new Thread(FlushLoop) { IsBackground = true, Name = "cairn-lsm-flush" });
            _threads.Add(new Thread(CompactionLoop) { IsBackground = true, Name = "cairn-lsm-compaction" });
        }
        if (_options.ScrubberBytesPerSecond > 0)
        {
            _scrubber = new Scrubber(_tableCache, _options.ScrubberBytesPerSecond, PinReadState, RecordCorruption);
            _threads.Add(new Thread(() => _scrubber.Run(_shutdown.Token)) { IsBackground = true, Name = "cairn-lsm-scrubber" });
        }
        foreach (Thread thread in _threads)
        {
            thread.Start();
        }
    }

    private void FlushLoop()
    {
        lock (_mutex)
        {
            while (!_disposed)
            {
                if (_immutables.Count == 0 || _flushRunning)
                {
                    Monitor.Wait(_mutex, 1000);
                    continue;
                }
                try
                {
                    FlushOldestImmutable();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Keep the memtable (its log is still live) and retry after a pause; writers are told meanwhile.
                    _backgroundError ??= e;
                    Monitor.Wait(_mutex, 1000);
                }
            }
        }
    }

    private void CompactionLoop()
    {
        lock (_mutex)
        {
            while (!_disposed)
            {
                CompactionTask? task = _compactionRunning ? null : _picker.Pick(_versions.Current, SmallestSnapshot());
                if (task is null)
                {
                    Monitor.Wait(_mutex, 1000);
                    continue;
                }
                _compactionRunning = true;
                try
                {
                    RunCompaction(task);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A failed compaction changed nothing durable: log it in the statistics and retry later.
                    _compactionFailures++;
                    Monitor.Wait(_mutex, 1000);
                }
                finally
                {
                    _compactionRunning = false;
                }
            }
        }
    }

    /// <summary>Compactions that failed with an IO error and were retried later; guarded by the mutex.</summary>
    internal int CompactionFailures => _compactionFailures;

    private int _compactionFailures;

    private void DisposeResources()
    {
        _log?.Dispose();
        _versions.Dispose();
        _tableCache.Dispose();
    }

    private sealed class PendingWrite(WriteBatch batch, bool sync)
    {
        public WriteBatch Batch { get; } = batch;

        public bool Sync { get; } = sync;

        public bool Done { get; set; }

        public Exception? Error { get; set; }
    }
}
