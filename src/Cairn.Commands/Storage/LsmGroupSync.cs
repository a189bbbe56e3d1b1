using Cairn.Engine.Memory.Persistence;

namespace Cairn.Commands.Storage;

/// <summary>
/// Group commit for storage lsm under appendfsync always. A command's batch is written to the LSM's log without an fsync
/// (under the store lock) and gets a ticket; this thread fsyncs the log once for every batch written since its last
/// round, and the replies waiting on those tickets leave together, as the AOF writer does. Before this, each batch was
/// fsynced under the store lock, one fsync per command with every other client stopped behind it.
/// Thread safety: <see cref="Written"/> is called under the store lock; the rest is internally synchronised.
/// </summary>
internal sealed class LsmGroupSync : IDurabilityGate, IDisposable
{
    private readonly Lock _lock = new();
    private readonly DurabilityWaiters _durability = new();
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly Action _sync;
    private readonly Thread _thread;
    private long _written;
    private bool _signalled;
    private volatile bool _stopping;

    /// <param name="sync">Makes everything written to the log so far durable (an empty synced LSM write); throws on failure.</param>
    public LsmGroupSync(Action sync)
    {
        _sync = sync;
        _thread = new Thread(Run) { IsBackground = true, Name = "cairn-lsm-sync" };
        _thread.Start();
    }

    /// <summary>Fsyncs performed.</summary>
    public long Rounds { get; private set; }

    /// <summary>A batch reached the log unsynced: returns its ticket and makes sure a sync round follows.</summary>
    public long Written()
    {
        bool wake;
        long ticket;
        lock (_lock)
        {
            ticket = ++_written;
            wake = !_signalled;
            _signalled = true;
        }
        if (wake)
        {
            _signal.Release();
        }
        return ticket;
    }

    public bool IsDurable(long ticket) => _durability.IsDurable(ticket);

    public Task WaitDurableAsync(long ticket) => _durability.WaitAsync(ticket);

    private void Run()
    {
        while (true)
        {
            _signal.Wait();
            long target;
            lock (_lock)
            {
                _signalled = false;
                target = _written;
            }
            if (target > _durability.Durable)
            {
                _sync();
                Rounds++;
                _durability.MarkDurable(target); // the waiting connections send their replies from this thread
            }
            if (_stopping)
            {
                return;
            }
        }
    }

    /// <summary>Syncs what is written and stops the thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _signal.Release();
        _thread.Join(TimeSpan.FromSeconds(10));
    }
}
