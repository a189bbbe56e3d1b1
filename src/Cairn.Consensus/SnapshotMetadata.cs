namespace Cairn.Consensus;

/// <summary>Where a snapshot sits in the log and the configuration in force at that index.</summary>
public sealed record SnapshotMetadata(ulong Index, ulong Term, Membership.Configuration Configuration)
{
    public static SnapshotMetadata Empty { get; } = new(0, 0, Membership.Configuration.Empty);
}
