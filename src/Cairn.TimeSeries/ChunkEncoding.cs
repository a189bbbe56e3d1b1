namespace Cairn.TimeSeries;

/// <summary>How a series stores its chunks. Values are persisted: never renumber.</summary>
public enum ChunkEncoding : byte
{
    Compressed = 1,
    Uncompressed = 2,
}
