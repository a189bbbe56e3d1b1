namespace Cairn.Engine.Lsm;

/// <summary>Counters since the database was opened, and the current shape of the tree.</summary>
public sealed record LsmStatistics
{
    /// <summary>Key and value bytes of every put, delete and range delete accepted.</summary>
    public long UserBytesWritten { get; init; }

    public long WalBytesWritten { get; init; }

    public long FlushBytesWritten { get; init; }

    public long CompactionBytesRead { get; init; }

    public long CompactionBytesWritten { get; init; }

    public int Flushes { get; init; }

    public int Compactions { get; init; }

    public int TrivialMoves { get; init; }

    /// <summary>Write groups delayed by write pacing, and the total delay.</summary>
    public long PacedWrites { get; init; }

    public TimeSpan PacingDelay { get; init; }

    public required int[] FilesPerLevel { get; init; }

    public required long[] BytesPerLevel { get; init; }

    public long LiveTableBytes { get; init; }

    public long MemtableBytes { get; init; }

    public long BlockCacheBytes { get; init; }

    public long BlockCacheCapacityBytes { get; init; }

    public long BlockCacheHits { get; init; }

    public long BlockCacheMisses { get; init; }

    /// <summary>(flush + compaction bytes written) / user bytes written: bytes the tree wrote per byte the user wrote, WAL excluded.</summary>
    public double WriteAmplification => UserBytesWritten == 0 ? 0 : (FlushBytesWritten + CompactionBytesWritten) / (double)UserBytesWritten;
}
