namespace Cairn.Consensus.Tests.Simulation;

/// <summary>Fault kinds a simulation run may switch on; each seed picks a random subset (FoundationDB's "buggify" style).</summary>
[Flags]
public enum FaultKinds
{
    None = 0,
    MessageLoss = 1 << 0,
    MessageDuplication = 1 << 1,
    LongDelaysAndReordering = 1 << 2,
    SymmetricPartitions = 1 << 3,
    AsymmetricPartitions = 1 << 4,
    CrashRestart = 1 << 5,
    ClockRateSkew = 1 << 6,
    MembershipChanges = 1 << 7,
    LeadershipTransfers = 1 << 8,
    SnapshotCompaction = 1 << 9,
    All = (1 << 10) - 1,
}
