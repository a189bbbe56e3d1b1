namespace Cairn.Consensus;

/// <summary>
/// What a node recovers from its storage on start: the last snapshot, the entries after it, and the hard state. The host loads
/// this; the core never reads disk. A brand-new node starts from <see cref="Bootstrap"/> (founding members) or <see cref="Joining"/>.
/// </summary>
public sealed record PersistedState(HardState HardState, Snapshot Snapshot, IReadOnlyList<Entry> Entries)
{
    /// <summary>A node to be added later: no configuration, no log; it learns both from the leader.</summary>
    public static PersistedState Joining { get; } = new(HardState.Empty, new Snapshot(SnapshotMetadata.Empty, []), []);

    /// <summary>
    /// The identical starting state of every founding member: one committed AddVoter entry per voter at term 1. The initial
    /// configuration lives in the log rather than in a snapshot so that nodes joining later, which start from an empty log and
    /// accept entries from index 1, learn it too (the simulator found that a bootstrap snapshot left joiners believing they
    /// were the only voter).
    /// </summary>
    public static PersistedState Bootstrap(IEnumerable<ulong> voters)
    {
        var entries = new List<Entry>();
        foreach (ulong voter in voters.Distinct().Order())
        {
            var change = new Membership.ConfigurationChange(Membership.ConfigurationChangeType.AddVoter, voter);
            entries.Add(new Entry(1, (ulong)entries.Count + 1, EntryType.ConfigurationChange, Codec.RaftCodec.EncodeConfigurationChange(change)));
        }
        return new PersistedState(new HardState(1, 0, (ulong)entries.Count), new Snapshot(SnapshotMetadata.Empty, []), entries);
    }
}
