using Cairn.Commands.Config;
using Cairn.Replication.Node;

namespace Cairn.Cluster.Blocking;

/// <summary>
/// Blocking commands (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN/MAX, BZMPOP, BRPOPLPUSH, XREAD/XREADGROUP BLOCK) coordinated by
/// this node. Each attempt is an ordinary write through the key's primary, so an element popped is popped once, by the
/// primary, replicated to W replicas before the client hears of it, and answered to that one client. An attempt that finds
/// nothing comes back as <see cref="CompletionStatus.WouldBlock"/> and leaves a watch on the primary
/// (<see cref="BlockedKeyWatches"/>); the client stays parked here until the primary says a key changed
/// (<see cref="CompletionStatus.KeysReady"/>), then the command is retried. As a safety net (a lost KeyReady, a primary
/// that went down and its watches with it) an idle blocked command is retried every <see cref="RetryIntervalTicks"/>.
/// The timeout is kept here, not by the connection: when it passes while an attempt is in flight, the attempt's outcome
/// decides (a served pop is delivered, a little late, rather than lost).
/// Thread safety: only the cluster's loop touches it.
/// </summary>
internal sealed class BlockedCommands
{
    private readonly ClusterService _cluster;
    private readonly Dictionary<long, Parked> _parked = [];
    private readonly long _retryIntervalMilliseconds;

    public BlockedCommands(ClusterService cluster)
    {
        _cluster = cluster;
        _retryIntervalMilliseconds = RetryIntervalTicks(cluster.Server.Config) * cluster.Server.Config.ClusterTickMilliseconds;
    }

    public int Count => _parked.Count;

    /// <summary>Ticks between retries of a blocked command that heard nothing: 5 request timeouts, at least 10 ticks.</summary>
    public static long RetryIntervalTicks(ServerConfig config) =>
        Math.Max(10, 5 * config.ClusterRequestTimeoutMilliseconds / Math.Max(1, config.ClusterTickMilliseconds));

    /// <summary>A blocking command was submitted as request <paramref name="requestId"/>.</summary>
    public void Track(long requestId, Operation operation)
    {
        _parked[requestId] = new Parked(operation) { InFlight = true };
    }

    /// <summary>Handles a completion of a blocking command; false = an ordinary answer (served, or an error) for the caller.</summary>
    public bool Intercept(Completion completion)
    {
        if (_parked.Count == 0 || !_parked.TryGetValue(completion.RequestId, out Parked? parked))
        {
            return false;
        }
        long now = _cluster.Server.NowMilliseconds;
        switch (completion.Status)
        {
            case CompletionStatus.KeysReady:
                if (parked.InFlight)
                {
                    parked.WakePending = true; // retry as soon as the attempt in flight comes back empty
                }
                else
                {
                    Retry(completion.RequestId, parked);
                }
                return true;
            case CompletionStatus.WouldBlock:
                parked.InFlight = false;
                parked.TimeoutReply = completion.Reply;
                if (completion.RetryCommand is { } retry)
                {
                    parked.Operation = parked.Operation with { Command = retry }; // e.g. XREAD's '$' resolved on the first attempt
                }
                if (parked.DeadlineMilliseconds < 0)
                {
                    parked.DeadlineMilliseconds = completion.BlockTimeoutMilliseconds == 0 ? 0 : now + completion.BlockTimeoutMilliseconds;
                }
                if (parked.DeadlineMilliseconds > 0 && now >= parked.DeadlineMilliseconds)
                {
                    TimeOut(completion.RequestId, parked);
                }
                else if (parked.WakePending)
                {
                    Retry(completion.RequestId, parked);
                }
                else
                {
                    parked.NextRetryMilliseconds = now + _retryIntervalMilliseconds;
                }
                return true;
            default:
                _parked.Remove(completion.RequestId); // served, or an error: answered as any request
                return false;
        }
    }

    /// <summary>Times out blocked commands whose deadline passed, forgets those whose client went away, retries idle ones.</summary>
    public void Tick(long nowMilliseconds)
    {
        if (_parked.Count == 0)
        {
            return;
        }
        foreach ((long id, Parked parked) in _parked.ToArray())
        {
            if (parked.InFlight)
            {
                continue;
            }
            if (!_cluster.TryPeekWaiter(id, out ClusterService.Waiter? waiter) || waiter!.IsDone)
            {
                _cluster.TryTakeWaiter(id, out _);
                _parked.Remove(id); // the client disconnected (a watch left on the primary expires by itself)
                continue;
            }
            if (parked.DeadlineMilliseconds > 0 && nowMilliseconds >= parked.DeadlineMilliseconds)
            {
                TimeOut(id, parked);
            }
            else if (nowMilliseconds >= parked.NextRetryMilliseconds)
            {
                Retry(id, parked);
            }
        }
    }

    private void Retry(long requestId, Parked parked)
    {
        if (!_cluster.TryPeekWaiter(requestId, out ClusterService.Waiter? waiter) || waiter!.IsDone)
        {
            _cluster.TryTakeWaiter(requestId, out _);
            _parked.Remove(requestId);
            return;
        }
        parked.InFlight = true;
        parked.WakePending = false;
        parked.Retries++;
        Operation operation = parked.Operation;
        // Posted, not run here: this may run inside the loop's answering of completions, whose output it would miss.
        _cluster.Post(() => _cluster.Node.Submit(requestId, operation, _cluster.Server.NowMilliseconds));
    }

    private void TimeOut(long requestId, Parked parked)
    {
        _parked.Remove(requestId);
        if (_cluster.TryTakeWaiter(requestId, out ClusterService.Waiter? waiter))
        {
            _cluster.Answer(waiter!, parked.TimeoutReply);
        }
    }

    private sealed class Parked(Operation operation)
    {
        public Operation Operation { get; set; } = operation;
        public bool InFlight { get; set; }
        public bool WakePending { get; set; }
        /// <summary>-1 until the first attempt reports the command's timeout; 0 = wait forever.</summary>
        public long DeadlineMilliseconds { get; set; } = -1;
        public long NextRetryMilliseconds { get; set; }
        public byte[] TimeoutReply { get; set; } = [];
        public int Retries { get; set; }
    }
}
