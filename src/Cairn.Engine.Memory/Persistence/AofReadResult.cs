namespace Cairn.Engine.Memory.Persistence;

/// <summary>How reading an AOF file ended.</summary>
public enum AofReadStatus
{
    /// <summary>Every byte belonged to a valid record.</summary>
    Clean,

    /// <summary>The file ends in an incomplete record (a crash mid-write): the valid prefix ends at ValidLength.</summary>
    TornTail,

    /// <summary>A complete record failed its checksum or structure, or the header is wrong: never load past it.</summary>
    Corrupt,
}

/// <summary>Outcome of reading one AOF file: status, where the valid prefix ends, and what went wrong where.</summary>
public sealed record AofReadResult(AofReadStatus Status, long ValidLength, long Records, string? Problem);
