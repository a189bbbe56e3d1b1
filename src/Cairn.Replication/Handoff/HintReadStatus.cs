namespace Cairn.Replication.Handoff;

public enum HintReadStatus
{
    Ok = 0,
    End = 1,
    /// <summary>The record is cut short: the tail of a write a crash interrupted.</summary>
    Torn = 2,
    /// <summary>The checksum or the contents are wrong.</summary>
    Corrupt = 3,
}
