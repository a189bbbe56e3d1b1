namespace Cairn.Engine.Lsm;

/// <summary>How a point read or an iterator reads.</summary>
public sealed class ReadOptions
{
    public static ReadOptions Default { get; } = new();

    /// <summary>Read as of this snapshot; null reads the latest data.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Whether blocks read from disk are added to the block cache (turn off for one-off scans).</summary>
    public bool FillCache { get; init; } = true;

    /// <summary>Iterators only: keys &gt;= this.</summary>
    public byte[]? LowerBound { get; init; }

    /// <summary>Iterators only: keys &lt; this (exclusive).</summary>
    public byte[]? UpperBound { get; init; }

    /// <summary>Iterators only: only keys starting with this prefix (combined with the bounds).</summary>
    public byte[]? Prefix { get; init; }
}
