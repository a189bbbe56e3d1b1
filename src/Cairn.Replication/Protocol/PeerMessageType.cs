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
    /// <summary>Keyless command (DBSIZE, KEYS, SCAN, RANDOMKEY, FLUSHALL) sent to every live node: run it on your partitions.</summary>
    Scatter = 13,
    ScatterResult = 14,
    /// <summary>Primary to coordinator: a key a parked blocking command waits on changed; retry it.</summary>
    KeyReady = 15,
    /// <summary>A node's channel subscriptions (for channels placed on the receiver) and whether it has pattern subscribers.</summary>
    PubSubInterest = 16,
    /// <summary>A PUBLISH sent to the channel's home node, which forwards it to the nodes with subscribers.</summary>
    PublishRoute = 17,
}
