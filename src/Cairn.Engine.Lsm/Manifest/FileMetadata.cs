using Cairn.Engine.Lsm.Keys;

namespace Cairn.Engine.Lsm.Manifest;

/// <summary>
/// A live table as the manifest records it. The durable fields are immutable; <see cref="BeingCompacted"/> and
/// <see cref="Quarantined"/> are runtime state guarded by the database mutex.
/// Invariant: Smallest &lt;= Largest in internal-key order; both include range-tombstone extents.
/// </summary>
internal sealed class FileMetadata
{
    public required ulong Number { get; init; }

    public required ulong SizeBytes { get; init; }

    public required byte[] Smallest { get; init; }

    public required byte[] Largest { get; init; }

    public required ulong SmallestSequence { get; init; }

    public required ulong LargestSequence { get; init; }

    public required ulong EntryCount { get; init; }

    public required ulong DeletionCount { get; init; }

    public required ulong RangeDeletionCount { get; init; }

    public ReadOnlySpan<byte> SmallestUserKey => InternalKey.UserKey(Smallest);

    public ReadOnlySpan<byte> LargestUserKey => InternalKey.UserKey(Largest);

    /// <summary>Share of entries that are tombstones, which compaction uses to clear deleted ranges early.</summary>
    public double TombstoneDensity =>
        EntryCount + RangeDeletionCount == 0 ? 0 : (DeletionCount + (RangeDeletionCount * 16.0)) / (EntryCount + RangeDeletionCount);

    public bool BeingCompacted { get; set; }

    /// <summary>A block of this file failed its checksum during compaction: compaction leaves it alone until repaired.</summary>
    public bool Quarantined { get; set; }

    public bool OverlapsUserRange(ReadOnlySpan<byte> smallestUserKey, ReadOnlySpan<byte> largestUserKey) =>
        LargestUserKey.SequenceCompareTo(smallestUserKey) >= 0 && SmallestUserKey.SequenceCompareTo(largestUserKey) <= 0;
}
