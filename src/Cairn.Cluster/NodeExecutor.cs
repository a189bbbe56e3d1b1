using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cairn.Cluster;

/// <summary>
/// Runs the cluster node's work items one at a time and in order, on the thread that posts them when no other thread is
/// running them (a combining executor), instead of handing each to a loop thread. A peer frame received on the socket thread
/// is stepped, and the messages it produces sent, on that thread; a client request is submitted on its connection's thread.
/// That removes two thread hops per peer message (socket → loop → sender) that cost more CPU than the work itself on a
/// small machine (bench/cluster.sh: most cluster CPU was in context switches).
/// </summary>
/// <remarks>
/// Thread safety: all members are thread safe; work items never run concurrently, and each sees every earlier item's
/// effects. After a batch of items (bounded by <see cref="MaxItemsPerRun"/>) <c>afterBatch</c> runs (the shell's Drain:
/// send what the node produced, answer completed requests), so many items share one peer frame. A poster never waits for
/// another thread's batch: if one is running it only queues, so a thread holding the store lock can post without deadlock
/// (the running thread may need that lock); the runner re-checks the queue after releasing, so no item is stranded. Past
/// <see cref="MaxItemsPerRun"/> the rest moves to the thread pool rather than keep one client's thread busy.
/// </remarks>
internal sealed class NodeExecutor
{
    public const int MaxItemsPerRun = 256;

    private readonly ConcurrentQueue<Action> _queue = new();
    private readonly Action _afterBatch;
    private readonly ILogger _logger;
    private int _running;
    private volatile bool _stopped;

    public NodeExecutor(Action afterBatch, ILogger logger)
    {
        _afterBatch = afterBatch;
        _logger = logger;
    }

    /// <summary>True while the calling thread is running a batch (so work it posts runs in that batch).</summary>
    public bool IsRunningOnCurrentThread => _runningThreadId == Environment.CurrentManagedThreadId;

    private volatile int _runningThreadId;

    /// <summary>Queues <paramref name="work"/> and runs the queue on this thread unless another thread is running it.</summary>
    public void Post(Action work)
    {
        Enqueue(work);
        Run();
    }

    /// <summary>Queues without running; call <see cref="Run"/> after a group of items so they share one batch.</summary>
    public void Enqueue(Action work)
    {
        if (!_stopped)
        {
            _queue.Enqueue(work);
        }
    }

    /// <summary>Runs queued items here if no other thread is running them; returns at once otherwise.</summary>
    public void Run()
    {
        while (!_queue.IsEmpty && !_stopped)
        {
            if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
            {
                return; // the running thread re-checks the queue after it releases
            }
            bool handedOff = false;
            _runningThreadId = Environment.CurrentManagedThreadId;
            try
            {
                int count = 0;
                while (count < MaxItemsPerRun && _queue.TryDequeue(out Action? work))
                {
                    count++;
                    try
                    {
                        work();
                    }
                    catch (Exception e)
                    {
                        _logger.LogError(e, "cluster work item failed");
                    }
                }
                try
                {
                    _afterBatch();
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "cluster drain failed");
                }
                if (count == MaxItemsPerRun && !_queue.IsEmpty)
                {
                    handedOff = true;
                }
            }
            finally
            {
                _runningThreadId = 0;
                Volatile.Write(ref _running, 0);
            }
            if (handedOff)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static executor => executor.Run(), this, preferLocal: false);
                return;
            }
        }
    }

    /// <summary>Stops running and accepting work (shutdown).</summary>
    public void Stop()
    {
        _stopped = true;
    }

    /// <summary>True when nothing is queued and nothing runs.</summary>
    public bool IsIdle => _queue.IsEmpty && Volatile.Read(ref _running) == 0;
}
