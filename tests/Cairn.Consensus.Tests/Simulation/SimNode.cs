using Cairn.Consensus.KeyValue;

namespace Cairn.Consensus.Tests.Simulation;

/// <summary>The host around one <see cref="RaftNode"/>: its disk, its state machine, and the client requests it is serving.</summary>
internal sealed class SimNode
{
    public required ulong Id { get; init; }
    public required SimStorage Storage { get; init; }
    public required long TickMicros { get; init; }
    public RaftNode? Raft { get; set; }
    public KeyValueStateMachine StateMachine { get; set; } = new();
    public int Incarnation { get; set; }
    public bool IsUp => Raft is not null;

    /// <summary>Writes proposed here, by log index: resolved when this node applies that index.</summary>
    public Dictionary<ulong, (HistoryOperation Operation, ulong Term, SimClient Client)> PendingWrites { get; } = [];

    /// <summary>
    /// Reads by request id; ReadIndex is 0 until the ReadState arrives. CommittedAtRequest is the highest index any leader had
    /// committed when the read was asked for: a correct read index is never below it.
    /// </summary>
    public Dictionary<ulong, (HistoryOperation Operation, SimClient Client, ulong ReadIndex, ulong CommittedAtRequest)> PendingReads { get; } = [];
}
