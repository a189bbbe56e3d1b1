namespace Cairn.Consensus;

/// <summary>Volatile state worth reporting to the host (who leads, in what role this node is); never persisted.</summary>
public readonly record struct SoftState(ulong Leader, NodeRole Role);
