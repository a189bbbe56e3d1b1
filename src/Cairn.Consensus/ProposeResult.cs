namespace Cairn.Consensus;

/// <summary>
/// Outcome of a proposal. When accepted, the entry sits at (<see cref="Index"/>, <see cref="Term"/>): it took effect if and only if
/// the committed entry at that index has that term. <see cref="Leader"/> is this node's best guess of the leader (0 if unknown).
/// </summary>
public readonly record struct ProposeResult(ProposeStatus Status, ulong Index, ulong Term, ulong Leader);
