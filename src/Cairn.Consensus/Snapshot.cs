namespace Cairn.Consensus;

/// <summary>A state-machine snapshot: the application's bytes plus the log position and configuration they reflect.</summary>
public sealed record Snapshot(SnapshotMetadata Metadata, byte[] Data)
{
    /// <summary>
    /// The state every member of a new cluster starts from: index 0, term 0, and the initial voters. Nodes that join later start
    /// from <see cref="SnapshotMetadata.Empty"/> and learn the configuration from the leader.
    /// </summary>
    public static Snapshot Bootstrap(IEnumerable<ulong> voters) =>
        new(new SnapshotMetadata(0, 0, Membership.Configuration.FromVoters(voters)), []);
}
