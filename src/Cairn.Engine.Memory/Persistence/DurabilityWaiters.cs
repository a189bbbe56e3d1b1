namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// The clients waiting for a durability ticket, and the durable mark: what the AOF writer and the LSM's group sync share.
/// Thread safety: internally synchronised. <see cref="MarkDurable"/> completes the waiters outside the lock, on the
/// calling thread, oldest first: each waiting connection sends its replies (and may take its next requests) right there
/// instead of after a hop through the thread pool, the way Redis answers fsynced clients from its own loop.
/// </summary>
public sealed class DurabilityWaiters
{
    private readonly Lock _lock = new();
    private readonly List<(long Ticket, TaskCompletionSource Waiter)> _waiters = [];
    private long _durable;

    /// <summary>The highest ticket known durable.</summary>
    public long Durable => Interlocked.Read(ref _durable);

    public bool IsDurable(long ticket) => Durable >= ticket;

    public Task WaitAsync(long ticket)
    {
        lock (_lock)
        {
            if (_durable >= ticket)
            {
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource();
            _waiters.Add((ticket, waiter));
            return waiter.Task;
        }
    }

    /// <summary>Everything up to <paramref name="ticket"/> is durable: releases its waiters.</summary>
    public void MarkDurable(long ticket)
    {
        List<TaskCompletionSource>? done = null;
        lock (_lock)
        {
            Interlocked.Exchange(ref _durable, Math.Max(_durable, ticket));
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Ticket <= _durable)
                {
                    (done ??= []).Add(_waiters[i].Waiter);
                    _waiters.RemoveAt(i);
                }
            }
        }
        for (int i = (done?.Count ?? 0) - 1; i >= 0; i--)
        {
            done![i].TrySetResult();
        }
    }
}
