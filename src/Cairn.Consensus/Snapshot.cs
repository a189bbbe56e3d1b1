namespace Cairn.Consensus;

/// <summary>A state-machine snapshot: the application's bytes plus the log position and configuration they reflect.</summary>
public sealed record Snapshot(SnapshotMetadata Metadata, byte[] Data);
