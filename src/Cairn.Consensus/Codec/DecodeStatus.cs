namespace Cairn.Consensus.Codec;

public enum DecodeStatus : byte
{
    Ok = 1,

    /// <summary>The input ends inside the record: a torn write at the tail of a log, or more bytes are still coming.</summary>
    Truncated = 2,

    /// <summary>The checksum or the structure is wrong.</summary>
    Corrupt = 3,
}
