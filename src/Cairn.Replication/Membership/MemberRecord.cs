namespace Cairn.Replication.Membership;

/// <summary>
/// What gossip says about one node. Only the node itself raises its <see cref="Incarnation"/> (on restart) and
/// <see cref="Heartbeat"/> (every gossip round), so for a given node a record with a higher (incarnation, heartbeat) is
/// strictly newer and merging is a per-node max: a join-semilattice, so gossip converges in any order.
/// <see cref="Left"/> is set by the node when it is decommissioned and removes it from placement.
/// </summary>
public sealed record MemberRecord(string NodeId, string Address, string Zone, long Incarnation, long Heartbeat, bool Left)
{
    public bool IsNewerThan(MemberRecord other) =>
        Incarnation != other.Incarnation ? Incarnation > other.Incarnation
        : Heartbeat != other.Heartbeat ? Heartbeat > other.Heartbeat
        : Left && !other.Left;
}
