namespace Cairn.Cluster.TransportBench;

/// <summary>Counts messages the receiver acknowledged and lets the sender wait until a count is reached. Thread safe.</summary>
internal sealed class AckCounter
{
    private readonly object _gate = new();
    private long _acknowledged;
    private long _target = long.MaxValue;
    private TaskCompletionSource? _waiter;

    public long Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged;
            }
        }
    }

    public void Add(long count)
    {
        TaskCompletionSource? done = null;
        lock (_gate)
        {
            _acknowledged += count;
            if (_waiter is not null && _acknowledged >= _target)
            {
                done = _waiter;
                _waiter = null;
                _target = long.MaxValue;
            }
        }
        done?.TrySetResult();
    }

    /// <summary>Completes when at least <paramref name="target"/> messages are acknowledged.</summary>
    public Task WaitForAsync(long target)
    {
        lock (_gate)
        {
            if (_acknowledged >= target)
            {
                return Task.CompletedTask;
            }
            _target = target;
            _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task;
        }
    }
}
