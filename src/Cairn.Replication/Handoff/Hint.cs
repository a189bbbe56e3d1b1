using Cairn.Replication.Versioning;

namespace Cairn.Replication.Handoff;

/// <summary>A write meant for <see cref="Target"/> that it could not take: the key's state (payload, null = deleted) at a version.</summary>
public sealed record Hint(string Target, byte[] Key, ValueVersion Version, byte[]? Payload, long CreatedTick)
{
    public long SizeBytes => Key.Length + (Payload?.Length ?? 0) + 64;
}
