namespace Cairn.Consensus;

/// <summary>
/// Answer to a <see cref="RaftNode.ReadIndex"/> request: once the host has applied up to <see cref="Index"/>, a read served from its
/// state machine is linearizable.
/// </summary>
public readonly record struct ReadState(ulong RequestId, ulong Index);
