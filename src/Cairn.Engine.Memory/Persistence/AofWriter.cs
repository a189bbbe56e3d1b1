using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Appends records to the current AOF file from a background thread. Commands append under the store lock (cheap: the
/// record goes to a queue); the thread writes everything queued in one go and, for appendfsync always, fsyncs it, so all
/// clients waiting in that round share one fsync (group commit). Connections wait for <see cref="WaitDurableAsync"/>
/// before sending replies under "always"; under "everysec" data reaches the OS at once and is fsynced every second.
/// Offsets are logical (bytes of records appended since the writer started, across file switches).
/// Thread safety: Append and SwitchTo are called under the store lock; the rest is internally synchronised.
/// </summary>
public sealed class AofWriter : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<(long Offset, TaskCompletionSource Waiter)> _waiters = [];
    private readonly Thread _thread;
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private IWritableFile _file;
    private List<object> _pending = [];
    private List<object> _spare = [];
    private long _appendedOffset;
    private long _writtenOffset;
    private long _durableOffset;
    private long _lastSyncTicks;
    private bool _unsynced;
    private volatile bool _stopping;

    public AofWriter(IWritableFile file, FsyncPolicy policy, string path)
    {
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

    public long DurableOffset => Interlocked.Read(ref _durableOffset);

    public long FsyncCount { get; private set; }

    /// <summary>Bytes of records in the current file (for auto-aof-rewrite).</summary>
    public long CurrentFileBytes { get; private set; }

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

    /// <summary>
    /// Makes every record appended after this call go to <paramref name="next"/> (AOF rewrite). The old file is fsynced
    /// and closed by the writer thread once its records are written. REQUIRES: the store lock (so no record straddles).
    /// </summary>
    public void SwitchTo(IWritableFile next, string path)
    {
        lock (_lock)
        {
            _pending.Add(new FileSwitch(next, path));
        }
        _signal.Release();
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
            List<object> batch;
            lock (_lock)
            {
                batch = _pending;
                _pending = _spare;
                _spare = batch;
            }
            try
            {
                bool wrote = false;
                foreach (object item in batch)
                {
                    if (item is byte[] record)
                    {
                        _file.Append(record);
                        _writtenOffset += record.Length;
                        CurrentFileBytes += record.Length;
                        wrote = true;
                    }
                    else if (item is FileSwitch next)
                    {
                        _file.Flush();
                        _file.Sync();
                        _file.Dispose();
                        _file = next.File;
                        Path = next.Path;
                        CurrentFileBytes = 0;
                    }
                }
                batch.Clear();
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
                    FsyncCount++;
                    _lastSyncTicks = now;
                    _unsynced = false;
                }
                LastError = null;
                // Under everysec/no nobody waits for the fsync; under always a record is durable once synced.
                if (Policy != FsyncPolicy.Always || !_unsynced)
                {
                    Complete(_writtenOffset);
                }
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

    private void Complete(long offset)
    {
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

    private sealed record FileSwitch(IWritableFile File, string Path);
}
