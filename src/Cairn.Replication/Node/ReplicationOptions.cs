using Cairn.Primitives;
using Cairn.Replication.AntiEntropy;
using Cairn.Replication.Placement;

namespace Cairn.Replication.Node;

/// <summary>Configuration of a <see cref="ReplicationNode"/>. Durations are in ticks of the shell's timer.</summary>
public sealed class ReplicationOptions
{
    public required string NodeId { get; init; }
    public string Address { get; init; } = "";
    public string Zone { get; init; } = "";
    /// <summary>Raised on every restart so that gossip about the previous life is superseded.</summary>
    public long Incarnation { get; init; } = 1;
    public required IRandomSource Random { get; init; }
    public int PartitionCount { get; init; } = PartitionLayout.DefaultPartitionCount;
    public int ReplicationFactor { get; init; } = 3;
    public int GossipIntervalTicks { get; init; } = 1;
    public int GossipFanout { get; init; } = 2;
    public long SuspectAfterTicks { get; init; } = 10;
    public long DownAfterTicks { get; init; } = 30;
    public int RequestTimeoutTicks { get; init; } = 10;
    public long HintWindowTicks { get; init; } = 3 * 3600 * 10;
    public long HintMaxBytes { get; init; } = 64L * 1024 * 1024;
    public int HintReplayIntervalTicks { get; init; } = 2;
    public int HintReplayBatch { get; init; } = 256;
    /// <summary>One partition compared with one peer every this many ticks (0 = background anti-entropy off).</summary>
    public int AntiEntropyIntervalTicks { get; init; } = 5;
    /// <summary>Bounds the keys one anti-entropy exchange lists.</summary>
    public int AntiEntropyMaxKeys { get; init; } = 4096;
    public int MerkleDepth { get; init; } = MerkleTree.DefaultDepth;
    /// <summary>Peers whose clocks differ from ours by more than this (minus the gossip's transit) are reported: LWW needs bounded skew.</summary>
    public long MaxClockOffsetMilliseconds { get; init; } = 500;
    /// <summary>How long a primary keeps a parked blocking command's watch on its keys (the coordinator retries before that).</summary>
    public int BlockWatchTicks { get; init; } = 300;

    /// <summary>
    /// How long a delete's tombstone is kept (by its timestamp's physical time) before it is collected: long enough for
    /// every replica to learn of the delete through the quorum, a hint (<see cref="HintWindowTicks"/>) or anti-entropy. A
    /// replica that was cut off for longer and still holds the key's old value brings it back (Cassandra's gc_grace_seconds
    /// has the same rule). 0 keeps tombstones for ever.
    /// </summary>
    public long TombstoneGraceMilliseconds { get; init; } = 24 * 3600 * 1000;

    /// <summary>The most tombstones looked at per tick (each a hash look-up; the tick holds the store lock).</summary>
    public int TombstonesCollectedPerTick { get; init; } = 4096;

    /// <summary>Sloppy quorum: hints for down replicas count toward W (availability over consistency).</summary>
    public bool SloppyQuorum { get; init; }
}
