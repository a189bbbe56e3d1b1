namespace Cairn.Engine.Lsm.Table;

/// <summary>How tables are built.</summary>
internal sealed record TableOptions(int BlockSizeBytes, int RestartInterval, CompressionType Compression, int BloomBitsPerKey);
