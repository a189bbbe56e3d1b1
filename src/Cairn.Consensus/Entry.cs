namespace Cairn.Consensus;

/// <summary>
/// One Raft log entry. Immutable once created: the same instance may sit in the log, in a <see cref="Ready"/> and in messages.
/// A leader's no-op entry is <see cref="EntryType.Normal"/> with empty data.
/// </summary>
public sealed record Entry(ulong Term, ulong Index, EntryType Type, byte[] Data)
{
    public static Entry Normal(ulong term, ulong index, byte[] data) => new(term, index, EntryType.Normal, data);
}
