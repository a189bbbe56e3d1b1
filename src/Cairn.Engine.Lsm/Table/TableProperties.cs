using System.Text;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Table;

/// <summary>Counts stored in a table's properties block, used by compaction (tombstone density) and statistics.</summary>
internal sealed class TableProperties
{
    public ulong EntryCount { get; set; }

    /// <summary>Point tombstones.</summary>
    public ulong DeletionCount { get; set; }

    public ulong RangeDeletionCount { get; set; }

    public ulong RawKeyBytes { get; set; }

    public ulong RawValueBytes { get; set; }

    public ulong DataBlockCount { get; set; }

    public void WriteTo(BlockBuilder builder)
    {
        // Names in increasing order, as every block requires.
        Add(builder, "data.blocks", DataBlockCount);
        Add(builder, "entries", EntryCount);
        Add(builder, "entries.deletions", DeletionCount);
        Add(builder, "entries.range_deletions", RangeDeletionCount);
        Add(builder, "raw.key_bytes", RawKeyBytes);
        Add(builder, "raw.value_bytes", RawValueBytes);
    }

    public static TableProperties Read(Block block)
    {
        var properties = new TableProperties();
        var iterator = block.NewIterator();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            if (Varint.TryRead(iterator.Value, out ulong value) == 0)
            {
                throw new CorruptionException(block.FilePath, block.FileOffset, "bad property value");
            }
            switch (Encoding.ASCII.GetString(iterator.Key))
            {
                case "data.blocks": properties.DataBlockCount = value; break;
                case "entries": properties.EntryCount = value; break;
                case "entries.deletions": properties.DeletionCount = value; break;
                case "entries.range_deletions": properties.RangeDeletionCount = value; break;
                case "raw.key_bytes": properties.RawKeyBytes = value; break;
                case "raw.value_bytes": properties.RawValueBytes = value; break;
                default: break;
            }
        }
        return properties;
    }

    private static void Add(BlockBuilder builder, string name, ulong value)
    {
        Span<byte> buffer = stackalloc byte[Varint.MaxLength64];
        builder.Add(Encoding.ASCII.GetBytes(name), buffer[..Varint.Write(buffer, value)]);
    }
}
