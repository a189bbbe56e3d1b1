using Cairn.Primitives;

namespace Cairn.Consensus;

/// <summary>Configuration of one <see cref="RaftNode"/>. Every limit bounds memory or work per tick (no unbounded queues).</summary>
public sealed class RaftOptions
{
    public required ulong NodeId { get; init; }

    /// <summary>The only source of randomness (election timeouts): seeded, so a run replays.</summary>
    public required IRandomSource Random { get; init; }

    /// <summary>Followers wait a random number of ticks in [this, 2 × this) without hearing from a leader before campaigning.</summary>
    public int ElectionTimeoutTicks { get; init; } = 10;

    public int HeartbeatIntervalTicks { get; init; } = 1;

    /// <summary>Appends in flight to one follower in Replicate state (flow control window).</summary>
    public int MaxInflightMessages { get; init; } = 64;

    public int MaxEntriesPerMessage { get; init; } = 64;

    /// <summary>Proposals beyond this many uncommitted entries are refused, bounding the leader's log when followers are slow.</summary>
    public int MaxUncommittedEntries { get; init; } = 8192;

    public int MaxCommittedEntriesPerReady { get; init; } = 4096;

    public int MaxPendingReads { get; init; } = 4096;

    /// <summary>Section 9.6 of the dissertation: a node first asks whether it could win, so a partitioned node cannot inflate terms.</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>A leader that has not heard from a majority for an election timeout steps down; followers in contact with a leader refuse votes.</summary>
    public bool CheckQuorum { get; init; } = true;

    public ReadMode ReadMode { get; init; } = ReadMode.ReadIndex;

    /// <summary>
    /// Ticks subtracted from the election timeout to give the lease length: covers the most a follower's clock can run ahead of
    /// the leader's over one lease, plus one tick of rounding.
    /// </summary>
    public int LeaseClockDriftBoundTicks { get; init; } = 3;

    internal int LeaseTicks => ElectionTimeoutTicks - LeaseClockDriftBoundTicks;

    public void Validate()
    {
        Invariant.Require(NodeId != 0, "node id 0 means none");
        Invariant.Require(HeartbeatIntervalTicks > 0 && ElectionTimeoutTicks > HeartbeatIntervalTicks, "election timeout exceeds heartbeat interval");
        Invariant.Require(MaxInflightMessages > 0 && MaxEntriesPerMessage > 0 && MaxUncommittedEntries > 0, "limits are positive");
        Invariant.Require(MaxCommittedEntriesPerReady > 0 && MaxPendingReads > 0, "limits are positive");
        Invariant.Require(ReadMode != ReadMode.LeaderLease || (CheckQuorum && LeaseTicks > 0 && LeaseClockDriftBoundTicks > 0),
            "leases need CheckQuorum and a positive drift bound smaller than the election timeout");
    }
}
