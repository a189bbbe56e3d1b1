using Cairn.Primitives;

namespace Cairn.Replication.Membership;

/// <summary>
/// Gossip-style failure detection (van Renesse et al.) with a suspicion stage: a peer is Alive while its heartbeat counter,
/// learned directly or through any other node's gossip, last increased less than <see cref="SuspectAfterTicks"/> ago, Suspect
/// until <see cref="DownAfterTicks"/>, then Down. Suspect peers still get requests (they may just be slow) but are not chosen
/// to coordinate; Down peers get hints instead of writes. Any heartbeat progress makes a peer Alive again at once.
/// Thread safety: not thread safe.
/// </summary>
public sealed class FailureDetector
{
    private readonly Dictionary<string, (long Incarnation, long Heartbeat, long ProgressTick)> _peers = new(StringComparer.Ordinal);

    public FailureDetector(long suspectAfterTicks, long downAfterTicks)
    {
        Invariant.Require(suspectAfterTicks > 0 && downAfterTicks > suspectAfterTicks, "0 < suspect < down");
        SuspectAfterTicks = suspectAfterTicks;
        DownAfterTicks = downAfterTicks;
    }

    public long SuspectAfterTicks { get; }

    public long DownAfterTicks { get; }

    /// <summary>Records the heartbeat seen for a peer at <paramref name="nowTick"/>; returns true if it made progress.</summary>
    public bool Observe(string nodeId, long incarnation, long heartbeat, long nowTick)
    {
        if (_peers.TryGetValue(nodeId, out var seen) && (incarnation, heartbeat).CompareTo((seen.Incarnation, seen.Heartbeat)) <= 0)
        {
            return false;
        }
        _peers[nodeId] = (incarnation, heartbeat, nowTick);
        return true;
    }

    public Liveness Of(string nodeId, long nowTick)
    {
        if (!_peers.TryGetValue(nodeId, out var seen))
        {
            return Liveness.Down;
        }
        long silentTicks = nowTick - seen.ProgressTick;
        return silentTicks < SuspectAfterTicks ? Liveness.Alive : silentTicks < DownAfterTicks ? Liveness.Suspect : Liveness.Down;
    }

    public long SilentTicks(string nodeId, long nowTick) =>
        _peers.TryGetValue(nodeId, out var seen) ? nowTick - seen.ProgressTick : long.MaxValue;
}
