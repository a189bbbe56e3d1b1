namespace Cairn.Consensus;

/// <summary>
/// A peer message. One flat shape for every <see cref="MessageType"/> (as etcd's raftpb.Message) so that transports and the codec
/// handle one type; fields a type does not use are zero.
/// </summary>
/// <remarks>
/// Field meanings: <see cref="Index"/>/<see cref="LogTerm"/> are the previous entry for Append, the last entry for votes, and the
/// accepted or rejected index for AppendResponse. <see cref="Context"/> carries a ReadIndex request id on heartbeats and their
/// responses. <see cref="LeaderTick"/> is the leader's logical clock when it sent an Append or Heartbeat, echoed in the response so
/// the leader can time its lease from the send, never from the receipt. <see cref="Reject"/> and <see cref="RejectHint"/> answer
/// Append and votes. <see cref="IsLeadershipTransfer"/> marks a vote that must ignore leader leases (the old leader asked for it).
/// </remarks>
public sealed record Message
{
    public required MessageType Type { get; init; }
    public required ulong From { get; init; }
    public required ulong To { get; init; }
    public ulong Term { get; init; }
    public ulong LogTerm { get; init; }
    public ulong Index { get; init; }
    public ulong Commit { get; init; }
    public IReadOnlyList<Entry> Entries { get; init; } = [];
    public bool Reject { get; init; }
    public ulong RejectHint { get; init; }
    public ulong Context { get; init; }
    public ulong LeaderTick { get; init; }
    public bool IsLeadershipTransfer { get; init; }
    public Snapshot? Snapshot { get; init; }
}
