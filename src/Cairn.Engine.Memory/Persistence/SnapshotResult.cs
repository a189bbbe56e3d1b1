namespace Cairn.Engine.Memory.Persistence;

/// <summary>How a snapshot ended.</summary>
public sealed record SnapshotResult(bool Succeeded, long Keys, long Bytes, string? Error);
