namespace Cairn.Replication.Handoff;

/// <summary>A hint stored (<see cref="Added"/>) or removed (replayed, expired, flushed), as the durable hint log records it.</summary>
public sealed record HintChange(bool Added, Hint Hint);
