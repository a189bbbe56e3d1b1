namespace Cairn.Consensus;

/// <summary>
/// Everything the host must do after feeding the node input, in this order:
/// <list type="number">
/// <item>Persist <see cref="Snapshot"/> (if any), then <see cref="Entries"/> (first dropping any stored entries at or after the
/// first one's index), then <see cref="HardState"/> (if any); sync to stable storage.</item>
/// <item>Send <see cref="Messages"/> (only after the sync: votes and acknowledgements promise durable state).</item>
/// <item>Install <see cref="Snapshot"/> into the state machine, then apply <see cref="CommittedEntries"/> in order.</item>
/// <item>Serve reads for <see cref="ReadStates"/> once the state machine has applied up to their index.</item>
/// <item>Call <see cref="RaftNode.Advance"/> with this Ready. Until then, the node accepts no other call.</item>
/// </list>
/// A crash anywhere before the sync completes is fine: nothing from this Ready has left the process.
/// </summary>
public sealed class Ready
{
    internal Ready(SoftState? softState, HardState? hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot,
        IReadOnlyList<Message> messages, IReadOnlyList<Entry> committedEntries, IReadOnlyList<ReadState> readStates)
    {
        SoftState = softState;
        HardState = hardState;
        Entries = entries;
        Snapshot = snapshot;
        Messages = messages;
        CommittedEntries = committedEntries;
        ReadStates = readStates;
    }

    /// <summary>Set when the leader or this node's role changed since the last Ready.</summary>
    public SoftState? SoftState { get; }

    /// <summary>Set when term, vote or commit changed since the last Ready.</summary>
    public HardState? HardState { get; }

    public IReadOnlyList<Entry> Entries { get; }

    public Snapshot? Snapshot { get; }

    public IReadOnlyList<Message> Messages { get; }

    public IReadOnlyList<Entry> CommittedEntries { get; }

    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>True when something must be persisted and synced before <see cref="Messages"/> go out.</summary>
    public bool MustSync => HardState is not null || Entries.Count > 0 || Snapshot is not null;
}
