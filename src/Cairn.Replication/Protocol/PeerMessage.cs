using Cairn.Replication.Membership;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Protocol;

/// <summary>
/// One message between nodes. One flat shape for every <see cref="PeerMessageType"/> (as Raft's Message) so that the
/// transport, the simulator and the codec handle one type; fields a type does not use stay empty.
/// </summary>
/// <remarks>
/// <see cref="RequestId"/> names the request the message belongs to in the sender's (requests) or receiver's (responses)
/// table; 0 on a Replicate means no acknowledgement is wanted. <see cref="Keys"/>, <see cref="Versions"/> and
/// <see cref="Payloads"/> are parallel arrays (a null payload is a deletion). <see cref="Nodes"/> lists the targets of a Push.
/// <see cref="Hashes"/> carries Merkle leaf hashes, or the leaf numbers a MerkleKeys message covers.
/// </remarks>
public sealed record PeerMessage
{
    public required PeerMessageType Type { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public long RequestId { get; init; }
    public int Partition { get; init; }
    public bool Ok { get; init; }
    public bool Hinted { get; init; }
    public int Replicas { get; init; }
    public int Required { get; init; }
    public ulong Hash { get; init; }
    /// <summary>The sender's physical clock (Unix ms) when it sent a Gossip: peers measure clock offsets and advance their HLCs with it.</summary>
    public long SentAtMilliseconds { get; init; }
    public IReadOnlyList<byte[]> Keys { get; init; } = [];
    public IReadOnlyList<ValueVersion> Versions { get; init; } = [];
    public IReadOnlyList<byte[]?> Payloads { get; init; } = [];
    public byte[] Command { get; init; } = [];
    public byte[] Reply { get; init; } = [];
    public string Error { get; init; } = "";
    public IReadOnlyList<MemberRecord> Members { get; init; } = [];
    public IReadOnlyList<string> Nodes { get; init; } = [];
    public IReadOnlyList<ulong> Hashes { get; init; } = [];
}
