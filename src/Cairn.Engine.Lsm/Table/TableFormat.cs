namespace Cairn.Engine.Lsm.Table;

/// <summary>Constants of the table file format (docs/formats/sstable.md).</summary>
internal static class TableFormat
{
    /// <summary>Written in every footer; a reader refuses any other version.</summary>
    public const uint Version = 1;

    /// <summary>"CAIRNSST" read as a little-endian uint64.</summary>
    public const ulong Magic = 0x5453534E52494143UL;

    /// <summary>Two block handles padded to 40 bytes, version (4), footer CRC (4), magic (8).</summary>
    public const int FooterBytes = 56;

    public const int HandlesBytes = 40;

    /// <summary>Compression type (1) and masked CRC32C (4) of payload and type.</summary>
    public const int BlockTrailerBytes = 5;

    public const string FilterBlockName = "cairn.filter.bloom";
    public const string PropertiesBlockName = "cairn.properties";
    public const string RangeDeletionBlockName = "cairn.rangedel";
}
