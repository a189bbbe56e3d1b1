using Cairn.Primitives.FileSystem;
using static Cairn.Engine.Lsm.Tests.TestDatabase;

namespace Cairn.Engine.Lsm.Tests;

public sealed class MemoryBudgetTests
{
    [Fact]
    public void MemtablesAndCacheStayWithinTheBudgetUnderWritesAndReads()
    {
        var options = new LsmOptions
        {
            MemoryBudgetBytes = 1024 * 1024,
            WriteBufferSizeBytes = 64 * 1024,
            MaxImmutableMemtables = 2,
            BlockSizeBytes = 1024,
            TargetFileSizeBytes = 64 * 1024,
            MaxBytesForLevelBase = 256 * 1024,
            BackgroundWork = true,
        };
        using LsmDatabase db = LsmDatabase.Open(options, new MemoryFileSystem(), DatabasePath);
        long peak = 0;
        var random = new Cairn.Primitives.SeededRandom(11);
        var values = new byte[20_000][];
        for (int i = 0; i < 20_000; i++)
        {
            values[i] = new byte[150];
            for (int b = 0; b < values[i].Length; b++)
            {
                values[i][b] = (byte)random.NextInt(256);
            }
            db.Put(Key(i), values[i]);
            if (i % 500 == 0)
            {
                peak = Math.Max(peak, db.MemoryUsageBytes);
            }
        }
        for (int i = 0; i < 20_000; i += 3)
        {
            Assert.Equal(values[i], db.Get(Key(i)));
            if (i % 999 == 0)
            {
                peak = Math.Max(peak, db.MemoryUsageBytes);
            }
        }
        LsmStatistics stats = db.GetStatistics();
        Assert.True(stats.LiveTableBytes > options.MemoryBudgetBytes, "the data outgrew the budget, so the budget was exercised");
        Assert.True(stats.BlockCacheBytes <= stats.BlockCacheCapacityBytes);
        Assert.True(peak <= options.MemoryBudgetBytes, $"peak {peak} > budget {options.MemoryBudgetBytes}");
    }

    [Fact]
    public void OptionsThatGiveMemtablesMoreThanHalfTheBudgetAreRejected()
    {
        var options = new LsmOptions { MemoryBudgetBytes = 1024 * 1024, WriteBufferSizeBytes = 512 * 1024 };
        Assert.Throws<ArgumentException>(() => LsmDatabase.Open(options, new MemoryFileSystem(), DatabasePath));
    }
}
