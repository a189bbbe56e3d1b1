namespace Cairn.Replication.Protocol;

/// <summary>Every kind of message nodes exchange. Values are part of the wire format: never renumber, only append.</summary>
public enum PeerMessageType : byte
{
    Gossip = 1,
    ForwardWrite = 2,
    WriteResult = 3,
    Replicate = 4,
    ReplicateAck = 5,
    Read = 6,
    ReadResult = 7,
    Push = 8,
    MerkleRoot = 9,
    MerkleLeaves = 10,
    MerkleKeys = 11,
    Publish = 12,
}
