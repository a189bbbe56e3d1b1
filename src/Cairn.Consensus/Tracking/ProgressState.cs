namespace Cairn.Consensus.Tracking;

/// <summary>How the leader replicates to one follower (etcd raft's design doc, "Progress").</summary>
public enum ProgressState : byte
{
    /// <summary>The leader does not know where the follower's log ends: one append per heartbeat interval until it does.</summary>
    Probe = 1,

    /// <summary>The follower's log matches: stream appends optimistically, bounded by the in-flight window.</summary>
    Replicate = 2,

    /// <summary>The follower needs entries the leader compacted: a snapshot is in flight and appends pause.</summary>
    Snapshot = 3,
}
