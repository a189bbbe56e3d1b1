using Cairn.Engine.Lsm.Table;

namespace Cairn.Engine.Lsm;

/// <summary>
/// How an <see cref="LsmDatabase"/> is tuned. The single memory budget covers memtables (the active one plus the immutable
/// ones waiting to be flushed) and the block cache, which also holds every index and filter block.
/// </summary>
public sealed class LsmOptions
{
    /// <summary>Levels 0..6.</summary>
    public const int LevelCount = 7;

    /// <summary>Total memory for memtables, data blocks, index blocks and filter blocks.</summary>
    public long MemoryBudgetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Size at which the active memtable is frozen and flushed. 0 means an eighth of the budget.</summary>
    public long WriteBufferSizeBytes { get; set; }

    /// <summary>Frozen memtables allowed to wait for their flush; writers wait when this is reached, so memory stays bounded.</summary>
    public int MaxImmutableMemtables { get; set; } = 2;

    public int BlockSizeBytes { get; set; } = 4096;

    public int BlockRestartInterval { get; set; } = 16;

    public CompressionType Compression { get; set; } = CompressionType.Lz4;

    public int BloomBitsPerKey { get; set; } = 10;

    /// <summary>Number of level-0 tables that makes level 0 due for compaction.</summary>
    public int Level0CompactionTrigger { get; set; } = 4;

    /// <summary>Number of level-0 tables from which writes are paced (slowed progressively rather than stopped).</summary>
    public int Level0SlowdownTrigger { get; set; } = 12;

    /// <summary>Write rate allowed when pacing starts; it halves for every further slowdown step of level-0 tables.</summary>
    public long PacedWriteRateBytesPerSecond { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// When true (the default) a paced writer sleeps off its delay inside <see cref="LsmDatabase.Write"/>. An embedder
    /// that holds its own lock around writes (the server's store lock) sets false and pays the delay itself, outside its
    /// lock, through <see cref="LsmDatabase.TakePacingDelay"/>, so that pacing slows the writer and not every reader.
    /// </summary>
    public bool WritersSleepOffPacing { get; set; } = true;

    public long MaxBytesForLevelBase { get; set; } = 64L * 1024 * 1024;

    public int LevelSizeMultiplier { get; set; } = 10;

    public long TargetFileSizeBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Tables whose tombstone share reaches this are compacted even when their level is within size.</summary>
    public double TombstoneCompactionThreshold { get; set; } = 0.5;

    /// <summary>Whether flushes and compactions run on background threads. Tests turn this off to drive them by hand.</summary>
    public bool BackgroundWork { get; set; } = true;

    /// <summary>Read rate of the background scrubber that verifies cold tables' checksums; 0 turns it off.</summary>
    public long ScrubberBytesPerSecond { get; set; }

    public WalRecoveryMode WalRecovery { get; set; } = WalRecoveryMode.PointInTime;

    /// <summary>The clock that decides when values with a time to live expire.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seed of the engine's only random source (skip-list heights), so that runs replay.</summary>
    public ulong RandomSeed { get; set; } = 0x5EED;

    internal long EffectiveWriteBufferSizeBytes =>
        WriteBufferSizeBytes > 0 ? WriteBufferSizeBytes : Math.Max(64 * 1024, MemoryBudgetBytes / 8);

    internal long MemtableReserveBytes => EffectiveWriteBufferSizeBytes * (MaxImmutableMemtables + 1);

    internal long BlockCacheCapacityBytes => MemoryBudgetBytes - MemtableReserveBytes;

    internal long MaxBytesForLevel(int level)
    {
        double bytes = MaxBytesForLevelBase;
        for (int i = 1; i < level; i++)
        {
            bytes *= LevelSizeMultiplier;
        }
        return (long)Math.Min(bytes, long.MaxValue / 2);
    }

    internal TableOptions TableOptions => new(BlockSizeBytes, BlockRestartInterval, Compression, BloomBitsPerKey);

    internal void Validate()
    {
        if (MemtableReserveBytes > MemoryBudgetBytes / 2)
        {
            throw new ArgumentException("memtables (write buffer x (immutable + 1)) may take at most half the memory budget");
        }
        if (BlockSizeBytes < 256 || BloomBitsPerKey < 0 || Level0CompactionTrigger < 1 || MaxImmutableMemtables < 1
            || Level0SlowdownTrigger < Level0CompactionTrigger || TargetFileSizeBytes < 4096 || LevelSizeMultiplier < 2)
        {
            throw new ArgumentException("options out of range");
        }
    }
}
