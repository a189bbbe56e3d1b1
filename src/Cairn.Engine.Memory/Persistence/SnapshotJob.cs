using System.Buffers;
using Cairn.Engine.Memory.Collections;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// A point-in-time snapshot taken without fork and without copying the data set. The snapshot's moment is when it
/// starts (under the store lock). A background thread then walks each database's slots in ranges: under the lock it only
/// takes references to the range's strings (<see cref="CapturedStrings"/>; a string's array is never changed before the
/// write path has told this job) and serialises any other value, then it encodes the strings (record, CRC) and writes
/// the file without the lock. Before a write replaces, removes or mutates a key the walk has not encoded, the write path
/// (<see cref="IWriteTracker"/>) saves that key's old value first (copy-on-write at key granularity): a key of the
/// captured range through its claim, a key past it by marking its slot visited. Keys created after the start are marked
/// visited without being written. Extra memory is therefore only the serialised values of keys changed ahead of the walk,
/// one visited-slot bitmap per database (a bit per slot) and one range of references.
/// A large collection (<see cref="PieceBytes"/>) is serialised in pieces, one per hold of the lock: its key record, then
/// more-items records, with nothing between them in the file. A write to it before its last piece first writes the rest
/// (<see cref="_largeRest"/>). Serialising a whole 88 MB list under the lock stopped every client for 1-3 s and took
/// several times the list's size in buffers. In a background job a large list, hash, set or sorted set (a quicklist, a
/// hash table, a B+tree's element slab) is not serialised under the lock at all: the walk or a write hook takes a view of
/// it (<see cref="DataObject.BeginSnapshotView"/>, its arrays copy-on-write) and the walk encodes the view without the
/// lock (<see cref="CapturedValue"/>). Pieces remain for what has no view: a foreground job's values, and compact
/// encodings past 256 KB (only under raised listpack limits).
/// The file is written to a temporary name, fsynced, and renamed into place, so a crash never leaves a partial snapshot.
/// One background job at a time (the hooks and views are the store's; the services schedule BGSAVE and BGREWRITEAOF
/// around each other). A foreground job (SAVE, SHUTDOWN) holds the lock from start to end, so it needs no hooks and takes
/// no views: it can run while a background job is under way without touching that job's state.
/// Thread safety: hooks run under the store lock; the walk takes the lock per range and encodes strings outside it.
/// </summary>
public sealed class SnapshotJob : IWriteTracker
{
    /// <summary>Slots per range, per hold of the store lock. Under the lock a string costs a reference copy instead of
    /// its encoding (serialising under the lock took about 30 µs per 128 slots), so the range can be 8 times longer than
    /// the chunk it replaces for about the same hold, and the walk takes the lock 8 times less often. Back-to-back BGSAVEs of 1M keys (bench/persistence.sh), SET/GET during
    /// them: 27-30k/32-33k requests/s before, 35-38k/36-40k after (interleaved runs on the shared 2-core machine).</summary>
    private const int SlotsPerRange = 1024;

    /// <summary>
    /// The background walk's nice value (Linux; CFS gives a nice-10 thread about a tenth of a core that a normal one also
    /// wants). At normal priority the walk took as much CPU as both event loops together on the 2-core machine, and
    /// clients lost it; at 10 it runs on the CPU they leave idle. Back-to-back BGSAVEs of 1M keys, SET/GET during them
    /// against the same server idle, medians of 5 interleaved runs: 0.65/0.63 at nice 0, 0.75/0.67 at 5, 0.78/0.93 at
    /// 10 (Redis, forking: 1.10/0.71). An idle server's snapshot takes as long as before; under full load it takes longer.
    /// The lock is held only to capture references, so a walk descheduled while holding it is rare.
    /// </summary>
    private const int BackgroundNiceValue = 10;

    /// <summary>The file's length is a multiple of this (the O_DIRECT block; <see cref="SnapshotFormat.WriteEndAligned"/>).</summary>
    private const int FileAlignment = 4096;

    /// <summary>Encoded records gathered before one append to the file.</summary>
    private const int AppendBytes = 256 * 1024;

    /// <summary>A collection larger than this (its MEMORY USAGE estimate) is written a piece of about this many bytes
    /// per hold of the store lock (<see cref="LargeValue"/>).</summary>
    private const int PieceBytes = 256 * 1024;

    private readonly MemoryStore _store;
    private readonly IFileSystem _fileSystem;
    private readonly string _path;
    private readonly DatabaseState[] _states;
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly ArrayBufferWriter<byte> _pending = new(64 * 1024);
    /// <summary>A piece's items before its record is framed (<see cref="WritePiece"/>).</summary>
    private readonly ArrayBufferWriter<byte> _items = new(PieceBytes + 4096);
    /// <summary>The large value being written, between its first piece and its last (under the store lock).</summary>
    private LargeValue? _large;
    /// <summary>The rest of a large value a write hook finished, a record per piece (under the store lock); it goes to
    /// the file next. Pieces rather than one buffer: no buffer doubling, and so no copies, as large as the value.</summary>
    private List<byte[]> _largeRest = [];
    /// <summary>Large values a write hook saved ahead of the walk, a record per piece, each value's records together;
    /// written when <see cref="_pending"/> is (under the store lock).</summary>
    private List<byte[]> _pendingLarge = [];
    /// <summary>Large values captured by reference and not encoded yet (under the store lock).</summary>
    private List<CapturedValue> _capturedValues = [];
    /// <summary>Values the walk has taken to encode; it releases their views at its next hold of the lock, or when the
    /// job fails (walk thread only).</summary>
    private readonly List<CapturedValue> _encodedValues = [];
    /// <summary>The walk thread's buffers for encoding captured values without the lock.</summary>
    private readonly ArrayBufferWriter<byte> _walkItems = new(PieceBytes + 4096);
    private readonly ArrayBufferWriter<byte> _walkScratch = new(256);
    /// <summary>Keys the walk thread encoded outside the lock.</summary>
    private long _keysWalked;
    /// <summary>Keys serialised under the store lock (by the walk or a write hook).</summary>
    private long _keysUnderLock;
    private readonly CapturedStrings _captured = new(SlotsPerRange);
    private readonly List<(string Name, byte[] Data)> _aux;
    private readonly Action<int, int, int>? _afterCapture;
    /// <summary>A background job (hooks attached, large values captured by reference), not SAVE's.</summary>
    private readonly bool _background;
    /// <summary>Set by <see cref="Abandon"/> (under the store lock): the walk gives up at its next hold.</summary>
    private bool _abandoned;
    /// <summary>Numbers the jobs of this process, so that two never share a temporary file.</summary>
    private static long s_jobs;

    private SnapshotJob(MemoryStore store, IFileSystem fileSystem, string path, long startedAtMilliseconds, bool background, Action<int, int, int>? afterCapture)
    {
        _afterCapture = afterCapture;
        _background = background;
        _store = store;
        _fileSystem = fileSystem;
        _path = path;
        StartedAtMilliseconds = startedAtMilliseconds;
        _states = new DatabaseState[store.DatabaseCount];
        _aux = store.SnapshotAuxProvider?.Invoke() ?? []; // taken at the snapshot's instant, written after the keys
        for (int i = 0; i < _states.Length; i++)
        {
            _states[i] = new DatabaseState(store[i].SlotLimit);
            if (background)
            {
                Cairn.Primitives.Invariant.Require(store[i].Tracker is null, "one background snapshot at a time");
                store[i].Tracker = this;
            }
        }
    }

    public long StartedAtMilliseconds { get; }

    public Task<SnapshotResult> Completion { get; private set; } = null!;

    /// <summary>
    /// Starts a snapshot of the store as it is now. REQUIRES: the caller holds the store lock. With
    /// <paramref name="background"/> false the whole snapshot is written before returning, still holding the lock (SAVE).
    /// </summary>
    public static SnapshotJob Start(MemoryStore store, IFileSystem fileSystem, string path, bool background = true) =>
        Start(store, fileSystem, path, background, afterCapture: null);

    /// <summary>Test seam: <paramref name="afterCapture"/> runs on the walk thread after each range of slots is captured
    /// and the lock released, before the range is encoded (database, first slot, end slot), so a test can write to
    /// captured keys exactly then.</summary>
    internal static SnapshotJob Start(MemoryStore store, IFileSystem fileSystem, string path, bool background, Action<int, int, int>? afterCapture)
    {
        var job = new SnapshotJob(store, fileSystem, path, store.NowMilliseconds, background, afterCapture);
        job.Completion = background
            ? Task.Factory.StartNew(job.Run, TaskCreationOptions.LongRunning)
            : Task.FromResult(job.Run());
        return job;
    }

    private SnapshotResult Run()
    {
        string temporary = _path + ".tmp-" + Environment.ProcessId + "-" + Interlocked.Increment(ref s_jobs);
        long bytes = 0;
        if (_background)
        {
            BackgroundThreadPriority.Lower(BackgroundNiceValue); // the job's own thread (LongRunning), gone when it ends
            _store.CountBackgroundWalk(1);
        }
        try
        {
            // Written with O_DIRECT where the file system takes it (CreateLog): the file is read back only at a restart,
            // and through the page cache each rewrite's base cost a copy into fresh cache pages and the kernel's
            // writeback of them, CPU taken from the clients (bench/README.md, AOF "Seventh pass").
            using (IWritableFile file = _fileSystem.CreateLog(temporary))
            {
                file.Append(SnapshotFormat.CreateHeader(StartedAtMilliseconds));
                var chunk = new ArrayBufferWriter<byte>(AppendBytes + 64 * 1024);
                void AppendIfFull()
                {
                    if (chunk.WrittenCount >= AppendBytes)
                    {
                        file.Append(chunk.WrittenSpan);
                        bytes += chunk.WrittenCount;
                        chunk.ResetWrittenCount();
                    }
                }
                for (int db = 0; db < _states.Length; db++)
                {
                    bool done = false;
                    while (!done)
                    {
                        int first, end;
                        List<byte[]>? rest = null;
                        List<CapturedValue>? captured = null;
                        using (_store.Lock.EnterScope())
                        {
                            ThrowIfAbandoned();
                            _captured.Close();
                            ReleaseEncodedValues();
                            if (_largeRest.Count > 0)
                            {
                                // A write finished the large value: its rest follows its pieces before anything else.
                                rest = _largeRest;
                                _largeRest = [];
                                first = end = 0;
                            }
                            else if (_large is { } large)
                            {
                                first = large.Slot;
                                end = large.Slot + 1;
                                if (WritePiece(chunk, large, db: null))
                                {
                                    _large = null;
                                }
                            }
                            else if (_pendingLarge.Count > 0)
                            {
                                rest = _pendingLarge;
                                _pendingLarge = [];
                                first = end = 0;
                            }
                            else
                            {
                                TakePending(chunk);
                                first = _states[db].Cursor;
                                done = CaptureRange(db, chunk) && _large is null;
                                end = _states[db].Cursor;
                                if (_large is null && _capturedValues.Count > 0)
                                {
                                    captured = _capturedValues; // encoded below; never between a large value's pieces
                                    _capturedValues = [];
                                }
                            }
                        }
                        if (rest is not null)
                        {
                            // Appended outside the lock and not copied into the chunk: it is as large as the value.
                            file.Append(chunk.WrittenSpan);
                            bytes += chunk.WrittenCount;
                            chunk.ResetWrittenCount();
                            foreach (byte[] record in rest)
                            {
                                file.Append(record);
                                bytes += record.Length;
                            }
                            continue;
                        }
                        _afterCapture?.Invoke(db, first, end);
                        _keysWalked += _captured.EncodeAll(chunk);
                        AppendIfFull();
                        foreach (CapturedValue value in captured ?? [])
                        {
                            _encodedValues.Add(value); // first: released even if the write fails
                            EncodeCaptured(value, chunk, AppendIfFull);
                        }
                    }
                }
                using (_store.Lock.EnterScope())
                {
                    ThrowIfAbandoned();
                    _captured.Close();
                    // Each database's walk ended after its large value's last piece and after any rest a write left.
                    Cairn.Primitives.Invariant.Require(_large is null && _largeRest.Count == 0 && _pendingLarge.Count == 0 && _capturedValues.Count == 0, "snapshot ended with large values unwritten");
                    ReleaseEncodedValues();
                    Detach();
                    TakePending(chunk);
                    foreach ((string name, byte[] data) in _aux)
                    {
                        SnapshotFormat.WriteAux(chunk, name, data);
                    }
                    // Ends on a block boundary, so the last O_DIRECT write leaves no padding to truncate after the fsync.
                    SnapshotFormat.WriteEndAligned(chunk, file.Length, KeyCount, FileAlignment);
                }
                file.Append(chunk.WrittenSpan);
                bytes += chunk.WrittenCount;
                file.Sync();
            }
            using (_store.Lock.EnterScope())
            {
                ThrowIfAbandoned(); // checked with the rename, so an abandoned job never replaces the file of the save after it
                _fileSystem.Rename(temporary, _path);
            }
            _fileSystem.SyncDirectory(Path.GetDirectoryName(_path) is { Length: > 0 } directory ? directory : ".");
            return new SnapshotResult(true, KeyCount, bytes, null);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            using (_store.Lock.EnterScope())
            {
                _captured.Abandon();
                DropUnwritten();
                ReleaseEncodedValues();
            }
            try
            {
                _fileSystem.Delete(temporary);
            }
            catch (IOException)
            {
            }
            return new SnapshotResult(false, KeyCount, bytes, e.Message);
        }
        finally
        {
            if (_background)
            {
                _store.CountBackgroundWalk(-1);
            }
        }
    }

    /// <summary>
    /// Stops a background job whose file must not replace the one a foreground save is about to write (SHUTDOWN during
    /// a BGSAVE, as Redis kills its child): the hooks are detached and the views not yet encoded released now, and the
    /// walk gives up at its next hold of the lock, deleting its temporary file without renaming it. What the walk is
    /// encoding at this moment may change under it; it goes to that file only. REQUIRES: the store lock.
    /// </summary>
    public void Abandon()
    {
        _abandoned = true;
        DropUnwritten();
    }

    /// <summary>The job will write nothing more: detaches its hooks, drops what they and the walk left unwritten, and
    /// releases the views not yet taken by the walk (those it took it releases itself, on its own thread). REQUIRES: the
    /// store lock.</summary>
    private void DropUnwritten()
    {
        Detach();
        _large = null;
        _largeRest = [];
        _pendingLarge = [];
        foreach (CapturedValue value in _capturedValues)
        {
            value.Owner.EndSnapshotView(value.Shared);
        }
        _capturedValues = [];
    }

    private void ThrowIfAbandoned()
    {
        if (_abandoned)
        {
            throw new InvalidOperationException("the snapshot was abandoned for a foreground save");
        }
    }

    /// <summary>Keys written so far; exact once the walk has ended (read under the store lock or on the walk thread).</summary>
    private long KeyCount => _keysWalked + _keysUnderLock;

    /// <summary>
    /// Takes the next range of a database's slots: captures its strings' references for <see cref="CapturedStrings.EncodeAll"/>
    /// and serialises any other value now (a collection may change in place, and is read only under the lock). Returns true
    /// when the database is finished. REQUIRES: the store lock; no range open.
    /// </summary>
    private bool CaptureRange(int dbIndex, ArrayBufferWriter<byte> output)
    {
        DatabaseState state = _states[dbIndex];
        if (state.Done)
        {
            return true;
        }
        Database db = _store[dbIndex];
        int first = state.Cursor;
        int end = (int)Math.Min((long)first + _captured.MaximumSlots, state.Limit);
        _captured.Open(dbIndex, first, end - first);
        for (int slot = first; slot < end; slot++)
        {
            ref KeyEntry entry = ref db.EntryAt(slot);
            if (entry.Data is not { } data || state.IsVisited(slot))
            {
                continue;
            }
            object? stored = entry.Stored;
            if (stored is null || stored is byte[])
            {
                _captured.Add(slot, data, stored as byte[], entry.KeyLength, entry.HasExpiry ? db.ExpiresAt(slot) : 0);
            }
            else if (Capturable(stored) is { } value)
            {
                Capture(db, slot, value);
            }
            else if (AsLarge(db, slot, stored) is { } large)
            {
                if (slot == first)
                {
                    // Its first piece now; the rest a piece per hold (Run). A large value later in the range starts the
                    // next hold instead, so that this range's strings, encoded after this hold, come before its records.
                    _keysUnderLock++;
                    _large = WritePiece(output, large, db) ? null : large;
                    end = slot + 1;
                }
                else
                {
                    end = slot;
                }
                break;
            }
            else
            {
                WriteSlot(db, slot, output);
            }
        }
        state.Cursor = end;
        if (end >= state.Limit)
        {
            state.Done = true; // the hooks still see the open range (they consult it first) until the next Close
        }
        return state.Done;
    }

    /// <summary>The value, when it is to be captured by reference rather than serialised under the lock: over a piece,
    /// with a snapshot view (a quicklist, a hash table, a sorted set's tree), met by a background job (a foreground one
    /// holds the lock throughout and writes it in pieces); else null.</summary>
    private DataObject? Capturable(object? value) =>
        _background && value is DataObject { HasSnapshotView: true, MemoryUsageBytes: > PieceBytes } collection ? collection : null;

    /// <summary>Takes a view of a large value for the walk to encode without the lock; its key is counted now.
    /// REQUIRES: the store lock.</summary>
    private void Capture(Database db, int slot, DataObject value)
    {
        var shared = new SharedArrays();
        _capturedValues.Add(new CapturedValue(db.Index, db.KeySpanAt(slot).ToArray(), db.ExpiresAt(slot), value, value.BeginSnapshotView(shared), shared));
        _keysUnderLock++;
    }

    /// <summary>Encodes a captured value, its key record and then a more-items record a piece, on the walk thread
    /// without the lock (the view's arrays do not change); <paramref name="appendIfFull"/> after each piece.</summary>
    private void EncodeCaptured(CapturedValue value, ArrayBufferWriter<byte> output, Action appendIfFull)
    {
        var codec = (ICollectionCodec)ValueCodecs.For(value.View.Type)!;
        long cursor = 0;
        bool first = true;
        bool done;
        do
        {
            done = WritePiece(output, codec, value.View, ref cursor, _walkItems, _walkScratch, first, value.Database, value.Key, value.ExpiresAt);
            first = false;
            appendIfFull();
        }
        while (!done);
    }

    /// <summary>Ends the views of the values encoded so far: their arrays are theirs again. REQUIRES: the store lock.</summary>
    private void ReleaseEncodedValues()
    {
        foreach (CapturedValue value in _encodedValues)
        {
            value.Owner.EndSnapshotView(value.Shared);
        }
        _encodedValues.Clear();
    }

    /// <summary>The value as a large collection to write in pieces, or null. REQUIRES: the store lock.</summary>
    private static LargeValue? AsLarge(Database db, int slot, object? value) =>
        value is DataObject { MemoryUsageBytes: > PieceBytes } collection && ValueCodecs.For(collection.Type) is ICollectionCodec codec
            ? new LargeValue(db.Index, slot, collection, codec)
            : null;

    /// <summary>Serialises a slot's key as it is now. A large list, hash or set is captured by reference instead;
    /// another large collection, which only a write hook meets here (the walk writes those a piece per hold), goes to
    /// <see cref="_pendingLarge"/> instead of <paramref name="output"/>. REQUIRES: the store lock.</summary>
    private void WriteSlot(Database db, int slot, ArrayBufferWriter<byte> output)
    {
        ref KeyEntry entry = ref db.EntryAt(slot);
        if (Capturable(entry.Stored) is { } value)
        {
            Capture(db, slot, value);
            return;
        }
        if (AsLarge(db, slot, entry.Stored) is { } large)
        {
            SpillPieces(large, db, _pendingLarge);
        }
        else if (entry.TryGetString(out ReadOnlySpan<byte> text))
        {
            // No copy of an embedded string: a snapshot of 1M small strings would otherwise allocate 1M arrays (RSS peak
            // 1.35x steady state instead of about 1.0x).
            SnapshotFormat.WriteStringKey(output, db.Index, entry.Key, db.ExpiresAt(slot), text);
        }
        else
        {
            SnapshotFormat.WriteKey(output, _scratch, db.Index, entry.Key, db.ExpiresAt(slot), entry.Value);
        }
        _keysUnderLock++;
    }

    /// <summary>
    /// Writes a large value's next piece to <paramref name="output"/>: its key record (the first piece, given its
    /// <paramref name="db"/>) or a more-items record. Returns true when it was the last. REQUIRES: the store lock.
    /// </summary>
    private bool WritePiece(IBufferWriter<byte> output, LargeValue large, Database? db) => db is null
        ? WritePiece(output, large.Codec, large.Value, ref large.Cursor, _items, _scratch, keyRecord: false, 0, default, 0)
        : WritePiece(output, large.Codec, large.Value, ref large.Cursor, _items, _scratch, keyRecord: true, db.Index, db.EntryAt(large.Slot).Key, db.ExpiresAt(large.Slot));

    /// <summary>
    /// Writes a collection's items from <paramref name="cursor"/> on, about a piece of them, as its key record
    /// (<paramref name="keyRecord"/>: with the database, key and expiry given) or a more-items record, through the
    /// caller's buffers. Returns true when no items remain.
    /// </summary>
    private static bool WritePiece(IBufferWriter<byte> output, ICollectionCodec codec, DataObject value, ref long cursor, ArrayBufferWriter<byte> items, ArrayBufferWriter<byte> scratch,
        bool keyRecord, int database, ReadOnlySpan<byte> key, long expiresAtMilliseconds)
    {
        items.ResetWrittenCount();
        int count = codec.WriteItems(value, ref cursor, items, PieceBytes, out bool done);
        if (keyRecord)
        {
            SnapshotFormat.WriteCollectionKey(output, scratch, database, key, expiresAtMilliseconds, value.Type, count, items.WrittenSpan);
        }
        else
        {
            SnapshotFormat.WriteMoreItems(output, count, items.WrittenSpan);
        }
        return done;
    }

    /// <summary>A write is about to change the large value: its remaining pieces go to <see cref="_largeRest"/> now.
    /// REQUIRES: the store lock.</summary>
    private void FinishLarge(LargeValue large)
    {
        SpillPieces(large, db: null, _largeRest);
        _large = null;
    }

    /// <summary>Writes a large value's remaining pieces (from its key record when <paramref name="db"/> is given) to
    /// <paramref name="records"/>, an array of the record's size each. REQUIRES: the store lock.</summary>
    private void SpillPieces(LargeValue large, Database? db, List<byte[]> records)
    {
        var writer = new RecordArrays(records);
        while (!WritePiece(writer, large, db))
        {
            db = null;
        }
    }

    private void TakePending(ArrayBufferWriter<byte> output)
    {
        if (_pending.WrittenCount > 0)
        {
            output.Write(_pending.WrittenSpan);
            _pending.ResetWrittenCount();
        }
    }

    private void Detach()
    {
        for (int i = 0; i < _states.Length; i++)
        {
            if (ReferenceEquals(_store[i].Tracker, this))
            {
                _store[i].Tracker = null;
            }
        }
    }

    public void BeforeChange(Database database, int slot)
    {
        if (_large is { } large && large.Database == database.Index && large.Slot == slot)
        {
            FinishLarge(large);
            return;
        }
        if (_captured.TrySaveForWriter(database.Index, slot, _pending))
        {
            _keysUnderLock++;
            return;
        }
        DatabaseState state = _states[database.Index];
        if (state.Done || slot < state.Cursor || slot >= state.Limit || !state.MarkVisited(slot))
        {
            return;
        }
        WriteSlot(database, slot, _pending);
    }

    public void OnCreated(Database database, int slot)
    {
        DatabaseState state = _states[database.Index];
        if (!state.Done && slot >= state.Cursor && slot < state.Limit)
        {
            state.MarkVisited(slot);
        }
    }

    /// <summary>FLUSHDB, FLUSHALL, SWAPDB: saves the rest of the database now (its captured strings too, whose arrays
    /// are about to leave the database or move to another).</summary>
    public void BeforeClear(Database database)
    {
        if (_large is { } large && large.Database == database.Index)
        {
            FinishLarge(large);
        }
        _keysUnderLock += _captured.SaveAllForWriter(database.Index, _pending);
        DatabaseState state = _states[database.Index];
        Database db = database;
        while (!state.Done)
        {
            int slot = db.NextSlot(state.Cursor);
            if (slot < 0 || slot >= state.Limit)
            {
                break;
            }
            state.Cursor = slot + 1;
            if (!state.IsVisited(slot))
            {
                WriteSlot(db, slot, _pending);
            }
        }
        state.Done = true;
    }

    /// <summary>
    /// Puts each record in an array of its own exact size, added to a list: the record writers ask for a record's whole
    /// size once (<see cref="SnapshotFormat.WriteCollectionKey"/>, <see cref="SnapshotFormat.WriteMoreItems"/>), so a piece
    /// is built in its final array, not in a buffer and then copied.
    /// </summary>
    private sealed class RecordArrays(List<byte[]> records) : IBufferWriter<byte>
    {
        private byte[]? _current;

        public Span<byte> GetSpan(int sizeHint = 0) => _current = GC.AllocateUninitializedArray<byte>(sizeHint);

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = GC.AllocateUninitializedArray<byte>(sizeHint);

        public void Advance(int count)
        {
            Cairn.Primitives.Invariant.Require(_current is not null && count == _current.Length, "a record array is filled whole, once");
            records.Add(_current!);
            _current = null;
        }
    }

    /// <summary>A large value captured by reference: where its record goes, and the view the walk encodes.</summary>
    private sealed record CapturedValue(int Database, byte[] Key, long ExpiresAt, DataObject Owner, DataObject View, SharedArrays Shared);

    /// <summary>A large collection being written in pieces: where it is, and the codec's cursor after the last piece.</summary>
    private sealed class LargeValue(int database, int slot, DataObject value, ICollectionCodec codec)
    {
        public readonly int Database = database;
        public readonly int Slot = slot;
        public readonly DataObject Value = value;
        public readonly ICollectionCodec Codec = codec;
        public long Cursor;
    }

    /// <summary>A database's walk: the cursor, and which slots at or past it were already saved by a write hook or hold
    /// keys created after the snapshot's instant (one bit per slot below the limit; 128 KB for 1M keys).</summary>
    private sealed class DatabaseState(int limit)
    {
        private readonly ulong[] _visited = new ulong[(limit + 63) >> 6];

        public int Cursor;
        public bool Done;

        public int Limit { get; } = limit;

        public bool IsVisited(int slot) => (_visited[slot >> 6] & (1UL << slot)) != 0;

        /// <summary>Marks a slot below the limit; false when it already was.</summary>
        public bool MarkVisited(int slot)
        {
            ref ulong word = ref _visited[slot >> 6];
            ulong bit = 1UL << slot;
            if ((word & bit) != 0)
            {
                return false;
            }
            word |= bit;
            return true;
        }
    }
}
