using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Appends records to the current AOF file from a background thread. Commands encode their record straight into a pending
/// buffer under the store lock (<see cref="Reserve"/> / <see cref="Commit"/>: no allocation per record) and write only
/// its length; the thread swaps the buffer out, computes every record's CRC (<see cref="AofFormat.SealAll"/>, off the
/// store lock), writes it in one go and, for appendfsync always, fsyncs it, so all clients waiting in that round share
/// one fsync (group commit). Under "always" the thread is woken only by the first record after each swap, so a burst of
/// commands costs one wake-up, not one per command; under "everysec" and "no" it is not woken while busy at all but
/// writes every <see cref="AofWriterOptions.WriteIntervalMilliseconds"/> (or once
/// <see cref="AofWriterOptions.EagerWriteBytes"/> queue), and only the first record after an idle round wakes it.
/// Under everysec and no the queue is bounded (<see cref="AofWriterOptions.MaxPendingBytes"/>): a command that would pass
/// the bound waits in <see cref="Reserve"/> until the thread takes the queue. Connections wait for
/// <see cref="WaitDurableAsync"/> before sending replies under "always"; under "everysec" data reaches the OS within a few
/// milliseconds and is fsynced every second.
/// Offsets are logical (bytes of records appended since the writer started, across file switches).
/// Invariant: the pending buffer holds whole records, each with its length written (switch points fall between records).
/// Thread safety: Reserve/Commit, Append and SwitchTo are called under the store lock; the rest is internally synchronised.
/// </summary>
public sealed class AofWriter : IDurabilityGate, IDisposable
{
    /// <summary>A drained buffer larger than this is dropped rather than kept as the spare (after a huge record).</summary>
    private const int RetainedBufferBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The longest one command waits for room in the queue before it goes over the bound. Only a writer stuck that long
    /// (a disk that stopped answering, or a thread completing "always" waiters that wants the store lock after a CONFIG
    /// SET appendfsync) gets here; growing the queue then is better than hanging every client.
    /// </summary>
    private const int MaxRoomWaitMilliseconds = 5000;

    private readonly Lock _lock = new();
    private readonly DurabilityWaiters _durability = new();
    private readonly Thread _thread;
    private readonly AofWriterOptions _options;

    /// <summary>Wakes the writer thread. No spinning: SemaphoreSlim's spin before each 1 ms sleep was a third of the thread's CPU (sched_yield).</summary>
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);

    /// <summary>Set by the writer thread when it takes the queue while a command waits for room in it.</summary>
    private readonly ManualResetEventSlim _room = new(false, spinCount: 0);
    private IWritableFile _file;
    private PendingBuffer _pending = new();
    private PendingBuffer _spare = new();
    private long _appendedOffset;
    private long _writtenOffset;
    private long _syncedOffset;
    private long _lastSyncTicks;
    private bool _unsynced;
    private bool _reserved;
    private int _roomWaiters;

    /// <summary>The thread found nothing queued in its last round and sleeps long: the next record wakes it. Guarded by _lock.</summary>
    private bool _idle;
    private volatile bool _stopping;

    public AofWriter(IWritableFile file, FsyncPolicy policy, string path, AofWriterOptions? options = null)
    {
        _options = options ?? AofWriterOptions.Default;
        Invariant.Require(_options.WriteIntervalMilliseconds > 0 && _options.EagerWriteBytes > 0
            && _options.MaxPendingBytes >= _options.EagerWriteBytes, "AOF writer options out of range");
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
    public long Append(ReadOnlySpan<byte> record)
    {
        record.CopyTo(Reserve(record.Length));
        return Commit(record.Length);
    }

    /// <summary>
    /// Space for a record of exactly <paramref name="size"/> bytes at the end of the pending buffer. The writer's lock is
    /// held until <see cref="Commit"/>, which must follow at once.
    /// </summary>
    public Span<byte> Reserve(int size)
    {
        _lock.Enter();
        if (IsFullFor(size))
        {
            WaitForRoom(size);
        }
        _reserved = true;
        return _pending.Reserve(size);
    }

    /// <summary>REQUIRES: _lock. A record larger than the bound still goes into an empty queue.</summary>
    private bool IsFullFor(int size) =>
        _pending.Length > 0 && _pending.Length > _options.MaxPendingBytes - size && Policy != FsyncPolicy.Always && !_stopping;

    /// <summary>Waits until the writer thread takes the queue. REQUIRES: _lock (released while waiting, held on return).</summary>
    private void WaitForRoom(int size)
    {
        BackpressureWaits++;
        long deadline = Environment.TickCount64 + MaxRoomWaitMilliseconds;
        while (IsFullFor(size) && Environment.TickCount64 < deadline)
        {
            _roomWaiters++;
            _room.Reset();
            _lock.Exit();
            _wake.Set();
            _room.Wait(50);
            _lock.Enter();
            _roomWaiters--;
        }
    }

    /// <summary>Completes <see cref="Reserve"/>: the record is queued. Returns the offset at which it ends.</summary>
    public long Commit(int size)
    {
        Invariant.Require(_reserved, "Commit without Reserve");
        _reserved = false;
        bool wasEmpty = _pending.IsEmpty;
        int before = _pending.Length;
        _pending.Length += size;
        _appendedOffset += size;
        long end = _appendedOffset;
        bool wake = Policy == FsyncPolicy.Always
            ? wasEmpty
            : (wasEmpty && _idle) || (before < _options.EagerWriteBytes && _pending.Length >= _options.EagerWriteBytes);
        if (wake)
        {
            _idle = false;
        }
        _lock.Exit();
        if (wake)
        {
            _wake.Set();
        }
        return end;
    }

    /// <summary>
    /// Makes every record appended after this call go to <paramref name="next"/> (AOF rewrite). The old file is fsynced
    /// and closed by the writer thread once its records are written. REQUIRES: the store lock (so no record straddles).
    /// </summary>
    public void SwitchTo(IWritableFile next, string path)
    {
        lock (_lock)
        {
            _pending.Switches.Add((_pending.Length, new FileSwitch(next, path)));
        }
        _wake.Set();
    }

    /// <summary>The ticket is an offset returned by <see cref="Append"/> or <see cref="Commit"/>.</summary>
    public bool IsDurable(long ticket) => _durability.IsDurable(ticket);

    public Task WaitDurableAsync(long ticket) => _durability.WaitAsync(ticket);

    private void Run()
    {
        while (true)
        {
            bool idle;
            lock (_lock)
            {
                idle = _idle;
            }
            _wake.Wait(Policy == FsyncPolicy.Always ? 5000 : idle ? 1000 : _options.WriteIntervalMilliseconds);
            PendingBuffer batch;
            lock (_lock)
            {
                // Reset under the lock with the swap: a record queued after it sets the event again, so no wake-up is lost.
                _wake.Reset();
                batch = _pending;
                _pending = _spare;
                _spare = batch;
                _idle = batch.IsEmpty;
                if (_roomWaiters > 0)
                {
                    _room.Set();
                }
            }
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
            if (_stopping)
            {
                lock (_lock)
                {
                    if (_pending.IsEmpty)
                    {
                        return;
                    }
                }
            }
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
