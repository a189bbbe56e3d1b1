using Cairn.Primitives;

namespace Cairn.Replication.Placement;

/// <summary>
/// Groups the 16384 slots into a fixed number of partitions of contiguous slot ranges, set when the cluster is created.
/// A partition is the unit of ownership, replication, handoff and anti-entropy.
/// </summary>
public sealed class PartitionLayout
{
    public const int DefaultPartitionCount = 64;

    public PartitionLayout(int partitionCount = DefaultPartitionCount)
    {
        Invariant.Require(partitionCount is > 0 and <= HashSlots.SlotCount, "partition count must be in 1..16384");
        PartitionCount = partitionCount;
    }

    public int PartitionCount { get; }

    public int PartitionOfSlot(int slot)
    {
        Invariant.Require((uint)slot < HashSlots.SlotCount, "slot out of range");
        return (int)((long)slot * PartitionCount / HashSlots.SlotCount);
    }

    public int PartitionOfKey(ReadOnlySpan<byte> key) => PartitionOfSlot(HashSlots.ForKey(key));

    /// <summary>First slot of a partition (inclusive).</summary>
    public int FirstSlot(int partition) => (int)(((long)partition * HashSlots.SlotCount + PartitionCount - 1) / PartitionCount);

    /// <summary>Last slot of a partition (inclusive).</summary>
    public int LastSlot(int partition) => FirstSlot(partition + 1) - 1;
}
