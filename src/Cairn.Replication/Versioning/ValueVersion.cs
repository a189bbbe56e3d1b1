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
        var hash = new XxHash64();
        Span<byte> number = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(number, Timestamp.Value);
        hash.Append(number);
        foreach ((string node, long counter) in Clock.Entries)
        {
            hash.Append(Encoding.UTF8.GetBytes(node));
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(number, counter);
            hash.Append(number);
        }
        return hash.GetCurrentHashAsUInt64();
    }

    public override string ToString() => $"{Timestamp}{Clock}";
}
