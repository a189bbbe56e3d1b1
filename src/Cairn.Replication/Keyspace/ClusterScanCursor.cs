using System.IO.Hashing;
using System.Text;
using Cairn.Primitives;

namespace Cairn.Replication.Keyspace;

/// <summary>
/// The SCAN cursor of a cluster: one partition at a time, in order, each walked on its owner with that node's own keyspace
/// cursor. Bits 0-13: the partition; bits 14-29: a tag of the node whose local cursor this is (0 = none yet); bits 30-63:
/// that node's cursor. If the partition's owner changed between calls, the local cursor means nothing on the new owner,
/// so the partition restarts from 0 there: keys may be returned twice, never skipped (SCAN's guarantee). Cursor 0 starts
/// and ends a full iteration.
/// </summary>
public readonly record struct ClusterScanCursor(int Partition, ushort OwnerTag, ulong LocalCursor)
{
    private const int PartitionBits = 14;
    private const int TagBits = 16;
    public const ulong MaxLocalCursor = (1UL << (64 - PartitionBits - TagBits)) - 1;

    public ulong Encode()
    {
        Invariant.Require((uint)Partition < (1u << PartitionBits) && LocalCursor <= MaxLocalCursor, "cursor fields in range");
        return (ulong)(uint)Partition | ((ulong)OwnerTag << PartitionBits) | (LocalCursor << (PartitionBits + TagBits));
    }

    public static ClusterScanCursor Decode(ulong cursor) => new(
        (int)(cursor & ((1UL << PartitionBits) - 1)),
        (ushort)((cursor >> PartitionBits) & ((1UL << TagBits) - 1)),
        cursor >> (PartitionBits + TagBits));

    /// <summary>A non-zero 16-bit tag of a node id.</summary>
    public static ushort TagOf(string nodeId)
    {
        ushort tag = (ushort)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(nodeId));
        return tag == 0 ? (ushort)1 : tag;
    }

    /// <summary>
    /// Where the next call goes: the local cursor to use on <paramref name="owner"/> (0 when the cursor was made on another
    /// node, which restarts the partition).
    /// </summary>
    public ulong LocalCursorOn(string owner) => OwnerTag == TagOf(owner) ? LocalCursor : 0;

    /// <summary>
    /// The cursor after <paramref name="owner"/> answered partition <see cref="Partition"/> with <paramref name="nextLocal"/>
    /// (0 = the partition is done): the same partition further on, the next partition, or 0 after the last.
    /// </summary>
    public static ulong After(int partition, int partitionCount, string owner, ulong nextLocal)
    {
        if (nextLocal != 0)
        {
            return new ClusterScanCursor(partition, TagOf(owner), nextLocal).Encode();
        }
        return partition + 1 >= partitionCount ? 0 : new ClusterScanCursor(partition + 1, 0, 0).Encode();
    }
}
