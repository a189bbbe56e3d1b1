namespace Cairn.Engine.Lsm.Table;

/// <summary>What a finished table holds: its size, its internal-key bounds (including range-tombstone extents) and counts.</summary>
internal sealed record TableBuildResult(
    ulong FileSizeBytes,
    byte[] Smallest,
    byte[] Largest,
    ulong SmallestSequence,
    ulong LargestSequence,
    ulong EntryCount,
    ulong DeletionCount,
    ulong RangeDeletionCount);
