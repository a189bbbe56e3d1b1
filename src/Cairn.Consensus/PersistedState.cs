namespace Cairn.Consensus;

/// <summary>
/// What a node recovers from its storage on start: the last snapshot (or <see cref="Snapshot.Bootstrap"/> for a new cluster member,
/// or an empty one for a joining node), the entries after it, and the hard state. The host loads this; the core never reads disk.
/// </summary>
public sealed record PersistedState(HardState HardState, Snapshot Snapshot, IReadOnlyList<Entry> Entries)
{
    public static PersistedState Joining { get; } = new(HardState.Empty, new Snapshot(SnapshotMetadata.Empty, []), []);

    public static PersistedState Bootstrap(IEnumerable<ulong> voters) => new(HardState.Empty, Snapshot.Bootstrap(voters), []);
}
