namespace Cairn.Replication.Placement;

/// <summary>
/// Redis Cluster key slots: CRC16(key) mod 16384, where a key containing "{...}" with at least one byte between the first '{'
/// and the next '}' hashes only that part (a hash tag), so related keys land in the same slot (cluster.c keyHashSlot).
/// </summary>
public static class HashSlots
{
    public const int SlotCount = 16384;

    public static int ForKey(ReadOnlySpan<byte> key)
    {
        int open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            int close = key[(open + 1)..].IndexOf((byte)'}');
            if (close > 0)
            {
                return Crc16.Compute(key.Slice(open + 1, close)) & (SlotCount - 1);
            }
        }
        return Crc16.Compute(key) & (SlotCount - 1);
    }
}
