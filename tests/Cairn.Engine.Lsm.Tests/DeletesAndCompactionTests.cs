using Cairn.Primitives.FileSystem;
using static Cairn.Engine.Lsm.Tests.TestDatabase;

namespace Cairn.Engine.Lsm.Tests;

public sealed class DeletesAndCompactionTests
{
    [Fact]
    public void RangeDeleteHidesKeysInEveryLevelAndSurvivesReopen()
    {
        var fs = new MemoryFileSystem();
        using (LsmDatabase db = Open(fs))
        {
            for (int i = 0; i < 3000; i++)
            {
                db.Put(Key(i), Value(i));
            }
            db.CompactAll();
            db.DeleteRange(Key(1000), Key(2000));
            Assert.Null(db.Get(Key(1000)));
            Assert.Equal(Text(Value(999)), Text(db.Get(Key(999))));
            Assert.Equal(Text(Value(2000)), Text(db.Get(Key(2000))));
            db.Put(Key(1500), Bytes("reborn"));
            Assert.Equal("reborn", Text(db.Get(Key(1500))));
        }
        using (LsmDatabase db = Open(fs))
        {
            Assert.Null(db.Get(Key(1999)));
            Assert.Equal("reborn", Text(db.Get(Key(1500))));
            db.CompactAll();
            Assert.Null(db.Get(Key(1001)));
            Assert.Equal("reborn", Text(db.Get(Key(1500))));
            using LsmIterator iterator = db.NewIterator(new ReadOptions { LowerBound = Key(990), UpperBound = Key(2010) });
            var keys = new List<string>();
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                keys.Add(Text(iterator.Key.ToArray()));
            }
            Assert.Equal(10 + 1 + 10, keys.Count);
        }
    }

    [Fact]
    public void CompactionDropsTombstonesOnceNoSnapshotNeedsThem()
    {
        using LsmDatabase db = Open(new MemoryFileSystem());
        for (int i = 0; i < 2000; i++)
        {
            db.Put(Key(i), Value(i));
        }
        db.CompactAll();
        Snapshot snapshot = db.GetSnapshot();
        for (int i = 0; i < 2000; i++)
        {
            db.Delete(Key(i));
        }
        db.DeleteRange(Key(0), Key(5000));
        db.CompactAll();
        // The snapshot still sees the data, so the data and its tombstones must stay.
        Assert.Equal(Text(Value(7)), Text(db.Get(Key(7), new ReadOptions { Snapshot = snapshot })));
        Assert.True(db.GetStatistics().LiveTableBytes > 0);
        snapshot.Dispose();
        db.CompactAll();
        Assert.Equal(0, db.GetStatistics().LiveTableBytes);
        Assert.Null(db.Get(Key(7)));
    }

    [Fact]
    public void TablesFullOfTombstonesAreCompactedWithoutSizePressure()
    {
        LsmOptions options = SmallOptions(background: true);
        options.MaxBytesForLevelBase = 64L * 1024 * 1024;
        using LsmDatabase db = Open(new MemoryFileSystem(), options);
        for (int i = 0; i < 3000; i++)
        {
            db.Put(Key(i), Value(i));
        }
        db.CompactAll();
        for (int i = 0; i < 3000; i++)
        {
            db.Delete(Key(i));
        }
        db.Flush();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (db.GetStatistics().LiveTableBytes > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        // No level was over its size budget: only the tombstone-density trigger can have emptied the tree.
        Assert.Equal(0, db.GetStatistics().LiveTableBytes);
        using LsmIterator iterator = db.NewIterator();
        iterator.SeekToFirst();
        Assert.False(iterator.Valid);
    }

    [Fact]
    public void WritesArePacedNotStoppedWhenLevelZeroPilesUp()
    {
        LsmOptions options = SmallOptions(background: true);
        options.Level0CompactionTrigger = 2;
        options.Level0SlowdownTrigger = 2;
        options.PacedWriteRateBytesPerSecond = 4L * 1024 * 1024;
        using LsmDatabase db = Open(new MemoryFileSystem(), options);
        for (int i = 0; i < 20_000; i++)
        {
            db.Put(Key(i * 7919 % 20_000), Value(i));
        }
        db.Flush();
        LsmStatistics stats = db.GetStatistics();
        Assert.True(stats.PacedWrites > 0);
        Assert.Equal(Text(Value(0)), Text(db.Get(Key(0))));
    }

    [Fact]
    public void A_writer_that_pays_pacing_itself_is_handed_the_whole_delay()
    {
        LsmOptions options = SmallOptions(background: true);
        options.Level0CompactionTrigger = 2;
        options.Level0SlowdownTrigger = 2;
        options.PacedWriteRateBytesPerSecond = 4L * 1024 * 1024;
        options.WritersSleepOffPacing = false;
        using LsmDatabase db = Open(new MemoryFileSystem(), options);
        TimeSpan handedOut = TimeSpan.Zero;
        for (int i = 0; i < 20_000; i++)
        {
            db.Put(Key(i * 7919 % 20_000), Value(i));
            handedOut += db.TakePacingDelay();
        }
        LsmStatistics stats = db.GetStatistics();
        Assert.True(stats.PacedWrites > 0);
        Assert.True(handedOut > TimeSpan.Zero);
        // Equal but for the sub-tick rounding of each hand-out.
        Assert.InRange(handedOut.TotalMilliseconds, stats.PacingDelay.TotalMilliseconds * 0.99, stats.PacingDelay.TotalMilliseconds);
        Assert.Equal(TimeSpan.Zero, db.TakePacingDelay());
    }
}
