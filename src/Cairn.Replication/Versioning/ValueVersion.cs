using System.IO.Hashing;
using System.Text;
using Cairn.Primitives;

namespace Cairn.Replication.Versioning;

/// <summary>
/// The version of a key's value on a replica: the hybrid-logical-clock timestamp of the write that produced it and the vector
/// clock of the writes it has seen. Vector clocks detect concurrent writes; concurrent ones resolve last-writer-wins on the
/// timestamp (ties broken by the clock's entries, so every replica picks the same winner).
/// Thread safety: immutable.
/// </summary>
public sealed record ValueVersion(HybridTimestamp Timestamp, VectorClock Clock)
{
    public static ValueVersion None { get; } = new(HybridTimestamp.Zero, VectorClock.Empty);

    public bool IsNone => Timestamp == HybridTimestamp.Zero && Clock.Entries.Count == 0;

    /// <summary>
    /// A total order consistent with causality: a version that descends from another is newer; concurrent ones compare by
    /// timestamp, then by clock digest. Returns &gt;0 when this is newer, 0 when identical.
    /// </summary>
    public int CompareNewness(ValueVersion other)
    {
        ClockOrder order = Clock.Compare(other.Clock);
        if (order == ClockOrder.After)
        {
            return 1;
        }
        if (order == ClockOrder.Before)
        {
            return -1;
        }
        int byTime = Timestamp.CompareTo(other.Timestamp);
        if (byTime != 0 || order == ClockOrder.Equal)
        {
            return byTime;
        }
        return Digest().CompareTo(other.Digest());
    }

    public bool IsConcurrentWith(ValueVersion other) => Clock.Compare(other.Clock) == ClockOrder.Concurrent;

    /// <summary>Stable 64-bit digest of the version (Merkle leaves hash it with the key).</summary>
    public ulong Digest()
    {
        // XXH64 of (timestamp, then each entry's UTF-8 node id and counter), hashed in one call over a buffer: the same value
        // as appending the parts to an XxHash64 one by one (as this did, with an allocation per entry), since the digest
        // orders concurrent versions and must not change.
        int length = 8;
        foreach ((string node, long _) in Clock.Entries)
        {
            length += Encoding.UTF8.GetByteCount(node) + 8;
        }
        byte[]? rented = length > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[512] : rented;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer, Timestamp.Value);
        int position = 8;
        foreach ((string node, long counter) in Clock.Entries)
        {
            position += Encoding.UTF8.GetBytes(node, buffer[position..]);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer[position..], counter);
            position += 8;
        }
        ulong digest = XxHash64.HashToUInt64(buffer[..position]);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
        return digest;
    }

    public override string ToString() => $"{Timestamp}{Clock}";
}
