using Cairn.Replication.Versioning;

namespace Cairn.Replication.Handoff;

/// <summary>One record of the durable hint log (docs/formats/cluster-hints.md): a hint stored, or removed (no payload).</summary>
public sealed record HintRecord(bool Added, string Target, byte[] Key, ValueVersion Version, byte[]? Payload, long CreatedUnixMilliseconds);
