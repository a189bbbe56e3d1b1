using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Appends records to the current AOF file from a background thread. Commands append under the store lock (cheap: the
/// record goes to a queue); the thread writes everything queued in one go and, for appendfsync always, fsyncs it, so all
/// clients waiting in that round share one fsync (group commit). Connections wait for <see cref="WaitDurableAsync"/>
/// before sending replies under "always"; under "everysec" data reaches the OS at once and is fsynced every second.
/// Thread safety: Append is called under the store lock; the rest is internally synchronised.
/// </summary>
public sealed class AofWriter : IDisposable
{
    private readonly IWritableFile _file;
    private readonly Lock _lock = new();
    private readonly List<(long Offset, TaskCompletionSource Waiter)> _waiters = [];
    private readonly Thread _thread;
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private List<byte[]> _pending = [];
    private List<byte[]> _spare = [];
    private long _appendedOffset;
    private long _durableOffset;
    private long _lastSyncTicks;
    private volatile bool _stopping;

    public AofWriter(IWritableFile file, FsyncPolicy policy, string path)
    {
        _file = file;
        Policy = policy;
        Path = path;
        _appendedOffset = file.Length;
        _durableOffset = file.Length;
        _thread = new Thread(Run) { IsBackground = true, Name = "cairn-aof" };
        _thread.Start();
    }

    public string Path { get; }

    public FsyncPolicy Policy { get; set; }

    /// <summary>Set when a write or fsync failed; writes are refused until it clears (Redis's MISCONF behaviour).</summary>
    public string? LastError { get; private set; }

    public long AppendedOffset => Interlocked.Read(ref _appendedOffset);

    public long DurableOffset => Interlocked.Read(ref _durableOffset);

    public long FsyncCount { get; private set; }

    public long Size => AppendedOffset;

    /// <summary>Queues a record; returns the offset at which it ends (what a client waits for under "always").</summary>
    public long Append(byte[] record)
    {
        long end;
        lock (_lock)
        {
            _pending.Add(record);
            _appendedOffset += record.Length;
            end = _appendedOffset;
        }
        _signal.Release();
        return end;
    }

    public bool IsDurable(long offset) => Interlocked.Read(ref _durableOffset) >= offset;

    public Task WaitDurableAsync(long offset)
    {
        lock (_lock)
        {
            if (_durableOffset >= offset)
            {
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((offset, waiter));
            return waiter.Task;
        }
    }

    private void Run()
    {
        while (true)
        {
            _signal.Wait(TimeSpan.FromMilliseconds(Policy == FsyncPolicy.EverySecond ? 1000 : 5000));
            List<byte[]> batch;
            lock (_lock)
            {
                batch = _pending;
                _pending = _spare;
                _spare = batch;
            }
            try
            {
                long written = 0;
                foreach (byte[] record in batch)
                {
                    _file.Append(record);
                    written += record.Length;
                }
                batch.Clear();
                if (written > 0)
                {
                    _file.Flush();
                }
                long now = Environment.TickCount64;
                bool sync = Policy == FsyncPolicy.Always ? written > 0
                    : Policy == FsyncPolicy.EverySecond && now - _lastSyncTicks >= 1000 && _file.Length > DurableSyncedLength;
                if (sync)
                {
                    _file.Sync();
                    FsyncCount++;
                    _lastSyncTicks = now;
                    DurableSyncedLength = _file.Length;
                }
                LastError = null;
                Complete(_file.Length, Policy != FsyncPolicy.Always || sync || written == 0);
            }
            catch (IOException e)
            {
                LastError = e.Message;
                batch.Clear();
            }
            if (_stopping)
            {
                lock (_lock)
                {
                    if (_pending.Count == 0)
                    {
                        return;
                    }
                }
            }
        }
    }

    private long DurableSyncedLength { get; set; }

    private void Complete(long offset, bool durable)
    {
        if (!durable)
        {
            return;
        }
        lock (_lock)
        {
            _durableOffset = Math.Max(_durableOffset, offset);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Offset <= _durableOffset)
                {
                    _waiters[i].Waiter.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Writes and fsyncs everything queued, then stops the thread (clean shutdown).</summary>
    public void Dispose()
    {
        _stopping = true;
        _signal.Release();
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
}
