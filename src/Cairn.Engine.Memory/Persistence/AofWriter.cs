using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Appends records to the current AOF file from a background thread. Commands encode their record straight into a pending
/// buffer under the store lock (<see cref="Reserve"/> / <see cref="Commit"/>: no allocation, no lock and no atomic
/// instruction per record) and write only its length; the thread takes the buffer (briefly taking the store lock, which
/// every producer holds), computes every record's CRC (<see cref="AofFormat.SealAll"/>, off the store lock), writes it in
/// one go and, for appendfsync always, fsyncs it, so all clients waiting in that round share one fsync (group commit).
/// Under "always" the thread is woken only by the first record after each swap, so a burst of commands costs one
/// wake-up, not one per command; under "everysec" and "no" the command that finds the queue
/// <see cref="AofWriterOptions.WriteIntervalMilliseconds"/> old (or <see cref="AofWriterOptions.EagerWriteBytes"/>
/// queued) hands it to the thread and wakes it (<see cref="Commit(int, long)"/>), the thread's own timer takes what no
/// command handed over (the tail before a pause), and only the first record after an idle round wakes it. Under
/// everysec and no the queue is bounded
/// (<see cref="AofWriterOptions.MaxPendingBytes"/>): a command that would pass the bound waits in <see cref="Reserve"/>
/// until the thread has written its current batch, then hands the queue over itself (the thread cannot take the store
/// lock while that command holds it). Connections wait for <see cref="WaitDurableAsync"/> before sending replies under
/// "always"; under "everysec" data reaches the OS within a few milliseconds and is fsynced every second.
/// Offsets are logical (bytes of records appended since the writer started, across file switches).
/// Invariants: there are two buffers; one is <c>_pending</c>, the other is exactly one of: being written by the thread,
/// <c>_returned</c> (written and cleared, free), <c>_handed</c> (handed over by a command, not yet taken). The
/// pending buffer holds whole records, each with its length written (switch points fall between records).
/// Thread safety: Reserve/Commit, Append and SwitchTo REQUIRE the store lock given to the constructor; the rest is
/// internally synchronised.
/// </summary>
public sealed class AofWriter : IDurabilityGate, IDisposable
{
    /// <summary>A drained buffer larger than this is dropped rather than kept as the spare (after a huge record).</summary>
    private const int RetainedBufferBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The longest one command waits for room in the queue before it goes over the bound. Only a writer stuck that long
    /// (a disk that stopped answering) gets here; growing the queue then is better than hanging every client for ever.
    /// </summary>
    private const int MaxRoomWaitMilliseconds = 5000;

    private readonly Lock _storeLock;
    private readonly DurabilityWaiters _durability = new();
    private readonly Thread _thread;
    private readonly AofWriterOptions _options;

    /// <summary>
    /// Wakes the writer thread. No spinning (SemaphoreSlim's spin before each 1 ms sleep was half of the thread's CPU:
    /// sched_yield), and no lock held while waking it (<see cref="WakeSignal"/>).
    /// </summary>
    private readonly WakeSignal _wake = new();

    /// <summary>Set by the writer thread each time it returns a written buffer to <c>_returned</c>.</summary>
    private readonly ManualResetEventSlim _room = new(false, spinCount: 0);
    private IWritableFile _file;

    /// <summary>Where records go. Guarded by the store lock.</summary>
    private PendingBuffer _pending = new();

    /// <summary>The free buffer, returned by the writer thread after writing it (Interlocked).</summary>
    private PendingBuffer? _returned = new();

    /// <summary>A full queue handed over by a command that waited for room (Interlocked).</summary>
    private PendingBuffer? _handed;
    private long _appendedOffset;
    private long _writtenOffset;
    private long _syncedOffset;
    private long _lastSyncTicks;
    private bool _unsynced;
    private bool _reserved;

    /// <summary>The clock value the command that queued the pending buffer's first record gave. Guarded by the store lock.</summary>
    private long _pendingSinceMilliseconds;

    /// <summary>The thread found nothing queued in its last round and sleeps long: the next record wakes it. Guarded by the store lock.</summary>
    private bool _idle;

    /// <summary>1 when a command asked for a wake-up that <see cref="WakeDeferred"/> has not yet made (Interlocked).</summary>
    private int _wakeDeferred;
    private volatile bool _stopping;

    /// <param name="storeLock">The lock every caller of <see cref="Reserve"/>, <see cref="Append"/> and <see cref="SwitchTo"/> holds.</param>
    public AofWriter(IWritableFile file, FsyncPolicy policy, string path, Lock storeLock, AofWriterOptions? options = null)
    {
        _options = options ?? AofWriterOptions.Default;
        Invariant.Require(_options.WriteIntervalMilliseconds > 0 && _options.EagerWriteBytes > 0
            && _options.MaxPendingBytes >= _options.EagerWriteBytes, "AOF writer options out of range");
        _storeLock = storeLock;
        _file = file;
        Policy = policy;
        Path = path;
        _thread = new Thread(Run) { IsBackground = true, Name = "cairn-aof" };
        _thread.Start();
    }

    /// <summary>The file new records go to (changes at <see cref="SwitchTo"/>).</summary>
    public string Path { get; private set; }

    public FsyncPolicy Policy { get; set; }

    /// <summary>Set when a write or fsync failed; writes are refused until it clears (Redis's MISCONF behaviour).</summary>
    public string? LastError { get; private set; }

    public long AppendedOffset => Interlocked.Read(ref _appendedOffset);

    public long DurableOffset => _durability.Durable;

    public long FsyncCount { get; private set; }

    /// <summary>The logical offset up to which records are fsynced (what a machine crash cannot take back).</summary>
    public long SyncedOffset => Interlocked.Read(ref _syncedOffset);

    /// <summary>Bytes of records in the current file (for auto-aof-rewrite).</summary>
    public long CurrentFileBytes { get; private set; }

    /// <summary>Commands that found the queue full and waited for the writer (everysec and no).</summary>
    public long BackpressureWaits { get; private set; }

    /// <summary>
    /// Queues a whole record (header and payload; its length must be written, its CRC is computed by the writer thread).
    /// Returns the offset at which it ends (what a client waits for under "always").
    /// </summary>
    /// <param name="nowMilliseconds">The command's clock, as for <see cref="Commit(int, long)"/>; omitted, the queue is only taken by the thread.</param>
    public long Append(ReadOnlySpan<byte> record, long nowMilliseconds = long.MinValue)
    {
        record.CopyTo(Reserve(record.Length));
        return Commit(record.Length, nowMilliseconds);
    }

    /// <summary>
    /// Space for a record of exactly <paramref name="size"/> bytes at the end of the pending buffer. <see cref="Commit"/>
    /// must follow at once. REQUIRES: the store lock.
    /// </summary>
    public Span<byte> Reserve(int size)
    {
        Invariant.Require(!_reserved, "Reserve twice without Commit");
        if (IsFullFor(size))
        {
            WaitForRoom(size);
        }
        _reserved = true;
        return _pending.Reserve(size);
    }

    /// <summary>REQUIRES: the store lock. A record larger than the bound still goes into an empty queue.</summary>
    private bool IsFullFor(int size) =>
        _pending.Length > 0 && _pending.Length > _options.MaxPendingBytes - size && Policy != FsyncPolicy.Always && !_stopping;

    /// <summary>
    /// Waits until the writer thread has written its current batch, then hands it the pending buffer and takes the free
    /// one. REQUIRES: the store lock (held throughout: every client waits, as Redis's loop blocks in write()).
    /// </summary>
    private void WaitForRoom(int size)
    {
        BackpressureWaits++;
        long deadline = Environment.TickCount64 + MaxRoomWaitMilliseconds;
        while (IsFullFor(size) && Environment.TickCount64 < deadline)
        {
            _room.Reset();
            if (Volatile.Read(ref _handed) is null && Interlocked.Exchange(ref _returned, null) is { } free)
            {
                Volatile.Write(ref _handed, _pending);
                _pending = free;
                _wake.Set();
                continue;
            }
            _wake.Set();
            _room.Wait(50);
        }
    }

    /// <summary>Completes <see cref="Reserve"/>: the record is queued. Returns the offset at which it ends. REQUIRES: the store lock.</summary>
    public long Commit(int size) => Commit(size, nowMilliseconds: long.MinValue);

    /// <summary>
    /// As <see cref="Commit(int)"/>, with the command's clock (any millisecond clock; only differences are used): under
    /// everysec and no, the command that finds the oldest queued record <see cref="AofWriterOptions.WriteIntervalMilliseconds"/>
    /// old (or <see cref="AofWriterOptions.EagerWriteBytes"/> queued) hands the queue to the writer thread itself, when
    /// the thread has a free buffer, and wakes it. Under load the thread then wakes once per batch, for a batch already
    /// handed over, instead of waking on its own timer and taking the store lock (which a busy event loop held for a
    /// good part of the time: the thread waited for it, and the loop's exit had to wake it). REQUIRES: the store lock.
    /// </summary>
    public long Commit(int size, long nowMilliseconds)
    {
        Invariant.Require(_reserved, "Commit without Reserve");
        _reserved = false;
        bool wasEmpty = _pending.IsEmpty;
        int before = _pending.Length;
        _pending.Length += size;
        Volatile.Write(ref _appendedOffset, _appendedOffset + size);
        if (Policy == FsyncPolicy.Always)
        {
            if (wasEmpty)
            {
                _idle = false;
                _wake.Set();
            }
            return _appendedOffset;
        }
        if (wasEmpty)
        {
            _pendingSinceMilliseconds = nowMilliseconds;
        }
        if (nowMilliseconds != long.MinValue
            && (_pending.Length >= _options.EagerWriteBytes
                || (ulong)(nowMilliseconds - _pendingSinceMilliseconds) >= (ulong)_options.WriteIntervalMilliseconds)
            && TryHandOver())
        {
            return _appendedOffset;
        }
        if (wasEmpty && _idle)
        {
            // The thread sleeps long when idle (a second): wake it now, whoever calls WakeDeferred. This is the first
            // record after a quiet spell, not the loaded case the deferral is for.
            _idle = false;
            _wake.Set();
        }
        else if (before < _options.EagerWriteBytes && _pending.Length >= _options.EagerWriteBytes)
        {
            DeferWake();
        }
        return _appendedOffset;
    }

    /// <summary>
    /// Under load (everysec and no) the thread is not woken here, under the store lock: the wake-up made the kernel switch
    /// to the writer thread at once, on the committing loop's core, while that loop still held the store lock, and the
    /// other loop then slept on the lock (off-CPU stacks, SET -P16: the loops' futex sleeps went from 20% to 31% of their
    /// switches, and the cores idled 12% of the time against 5%). The wake-up is left to <see cref="WakeDeferred"/>,
    /// which the connection calls after releasing the lock; where nobody calls it, the thread, which is not idle then,
    /// takes the records on its own timer (<see cref="AofWriterOptions.WriteIntervalMilliseconds"/> + 1).
    /// </summary>
    private void DeferWake() => Volatile.Write(ref _wakeDeferred, 1);

    /// <summary>Wakes the thread if a command asked for it under the store lock. Call without the store lock.</summary>
    public void WakeDeferred()
    {
        if (Volatile.Read(ref _wakeDeferred) != 0 && Interlocked.Exchange(ref _wakeDeferred, 0) != 0)
        {
            _wake.Set();
        }
    }

    /// <summary>
    /// Hands the pending buffer to the writer thread and takes the free one, when the thread has one and holds no other
    /// handed buffer; wakes the thread. False when the thread is still writing (it then takes the queue itself, or a
    /// later command hands it over). REQUIRES: the store lock.
    /// </summary>
    private bool TryHandOver()
    {
        if (Volatile.Read(ref _returned) is null || Volatile.Read(ref _handed) is not null)
        {
            return false;
        }
        PendingBuffer? free = Interlocked.Exchange(ref _returned, null);
        if (free is null)
        {
            return false;
        }
        Volatile.Write(ref _handed, _pending);
        _pending = free;
        _idle = false;
        DeferWake();
        return true;
    }

    /// <summary>
    /// Makes every record appended after this call go to <paramref name="next"/> (AOF rewrite). The old file is fsynced
    /// and closed by the writer thread once its records are written. REQUIRES: the store lock (so no record straddles).
    /// </summary>
    public void SwitchTo(IWritableFile next, string path)
    {
        _pending.Switches.Add((_pending.Length, new FileSwitch(next, path)));
        _idle = false;
        _wake.Set();
    }

    /// <summary>The ticket is an offset returned by <see cref="Append"/> or <see cref="Commit"/>.</summary>
    public bool IsDurable(long ticket) => _durability.IsDurable(ticket);

    public Task WaitDurableAsync(long ticket) => _durability.WaitAsync(ticket);

    private void Run()
    {
        while (true)
        {
            bool idle = Volatile.Read(ref _idle);
            // Under load, commands hand the queue over every WriteIntervalMilliseconds (Commit); the thread's own timer
            // is a little later, for the records of the last commands before a pause.
            _wake.Wait(Policy == FsyncPolicy.Always ? 5000 : idle ? 1000 : _options.WriteIntervalMilliseconds + 1);
            PendingBuffer batch = TakeBatch();
            bool empty = batch.IsEmpty;
            AofFormat.SealAll(batch.Bytes.AsSpan(0, batch.Length));
            try
            {
                bool wrote = false;
                int written = 0;
                foreach ((int position, FileSwitch next) in batch.Switches)
                {
                    wrote |= WriteRange(batch, written, position);
                    written = position;
                    _file.Flush();
                    _file.Sync();
                    Interlocked.Exchange(ref _syncedOffset, _writtenOffset);
                    _file.Dispose();
                    _file = next.File;
                    Path = next.Path;
                    CurrentFileBytes = 0;
                }
                wrote |= WriteRange(batch, written, batch.Length);
                if (wrote)
                {
                    _file.Flush();
                    _unsynced = true;
                }
                long now = Environment.TickCount64;
                bool sync = _unsynced && (Policy == FsyncPolicy.Always || (Policy == FsyncPolicy.EverySecond && now - _lastSyncTicks >= 1000));
                if (sync)
                {
                    _file.Sync();
                    Interlocked.Exchange(ref _syncedOffset, _writtenOffset);
                    FsyncCount++;
                    _lastSyncTicks = now;
                    _unsynced = false;
                }
                LastError = null;
                // Under everysec/no nobody waits for the fsync; under always a record is durable once synced.
                if (Policy != FsyncPolicy.Always || !_unsynced)
                {
                    // Replies of the waiting clients leave from this thread; the next round starts once they are sent.
                    _durability.MarkDurable(_writtenOffset);
                }
            }
            catch (IOException e)
            {
                LastError = e.Message;
            }
            batch.Clear(RetainedBufferBytes);
            Volatile.Write(ref _returned, batch);
            _room.Set();
            if (_stopping && empty)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The batch to write: one a waiting command handed over (taken without the store lock, which that command holds),
    /// else the pending buffer, swapped for the free one under the store lock.
    /// </summary>
    private PendingBuffer TakeBatch()
    {
        while (true)
        {
            // Reset before looking: a buffer handed over after this sets the event again, so no wake-up is lost, and
            // the hand-over that woke this round does not wake the next one for nothing.
            _wake.Reset();
            if (Interlocked.Exchange(ref _handed, null) is { } handed)
            {
                return handed;
            }
            // Not Enter: a command waiting for room holds the store lock until it hands its queue over, and the lock
            // is not fair (a thread that releases it may take it again at once), so look for a handed batch every 1 ms.
            if (_storeLock.TryEnter(1))
            {
                break;
            }
        }
        try
        {
            // Reset with the swap, under the lock: a record queued after it sets the event again, so no wake-up is lost.
            _wake.Reset();
            PendingBuffer? batch = Interlocked.Exchange(ref _handed, null);
            if (batch is null)
            {
                batch = _pending;
                PendingBuffer? free = Interlocked.Exchange(ref _returned, null);
                Invariant.Require(free is not null, "AOF writer: no free buffer and none handed over");
                _pending = free;
            }
            _idle = batch.IsEmpty;
            return batch;
        }
        finally
        {
            _storeLock.Exit();
        }
    }

    private bool WriteRange(PendingBuffer batch, int from, int to)
    {
        if (to <= from)
        {
            return false;
        }
        _file.Append(batch.Bytes.AsSpan(from, to - from));
        _writtenOffset += to - from;
        CurrentFileBytes += to - from;
        return true;
    }

    /// <summary>Writes and fsyncs everything queued, then stops the thread (clean shutdown).</summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join(TimeSpan.FromSeconds(10));
        try
        {
            _file.Sync();
        }
        catch (IOException)
        {
        }
        _file.Dispose();
    }

    private sealed record FileSwitch(IWritableFile File, string Path);

    /// <summary>Records queued since the last swap, and the points where the file switches.</summary>
    private sealed class PendingBuffer
    {
        public byte[] Bytes = new byte[64 * 1024];
        public int Length;
        public readonly List<(int Position, FileSwitch Next)> Switches = [];

        public bool IsEmpty => Length == 0 && Switches.Count == 0;

        public Span<byte> Reserve(int size)
        {
            if (Bytes.Length - Length < size)
            {
                long wanted = Math.Max((long)Bytes.Length * 2, (long)Length + size);
                Array.Resize(ref Bytes, (int)Math.Min(wanted, Array.MaxLength));
            }
            return Bytes.AsSpan(Length, size);
        }

        public void Clear(int retainedBytes)
        {
            Length = 0;
            Switches.Clear();
            if (Bytes.Length > retainedBytes)
            {
                Bytes = new byte[64 * 1024];
            }
        }
    }
}
