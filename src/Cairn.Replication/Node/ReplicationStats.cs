namespace Cairn.Replication.Node;

/// <summary>Counters a node keeps for INFO cluster and the tests.</summary>
public sealed class ReplicationStats
{
    public long WritesCoordinated;
    public long ReadsCoordinated;
    public long WritesAsPrimary;
    public long NoQuorumRefusals;
    public long Timeouts;
    public long ReplicasApplied;
    public long ConcurrentWritesResolved;
    public long ReadRepairs;

    /// <summary>Replicas asked again because a quorum read was still short of replies halfway to its deadline.</summary>
    public long ReadRetries;
    public long HintsReplayed;

    /// <summary>Tombstones forgotten once older than <see cref="ReplicationOptions.TombstoneGraceMilliseconds"/>.</summary>
    public long TombstonesCollected;
    public long AntiEntropyRounds;
    public long AntiEntropyAgreeing;
    public long AntiEntropyKeysSent;
    public long GossipReceived;
    /// <summary>Largest |peer clock - our clock| seen in gossip (ms; includes transit time, so an upper bound).</summary>
    public long MaxObservedClockOffsetMilliseconds;
    /// <summary>Gossip messages whose sender's clock was off by more than the configured maximum.</summary>
    public long ClockOffsetViolations;
}
