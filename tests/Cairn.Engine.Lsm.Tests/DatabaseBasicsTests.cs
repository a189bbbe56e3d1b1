using Cairn.Primitives.FileSystem;
using static Cairn.Engine.Lsm.Tests.TestDatabase;

namespace Cairn.Engine.Lsm.Tests;

public sealed class DatabaseBasicsTests
{
    [Fact]
    public void PutThenGetReturnsTheValue()
    {
        using LsmDatabase db = Open(new MemoryFileSystem());
        db.Put(Bytes("a"), Bytes("1"));
        Assert.Equal("1", Text(db.Get(Bytes("a"))));
        Assert.Null(db.Get(Bytes("b")));
    }

    [Fact]
    public void DeleteHidesTheKeyInMemtableAndInTables()
    {
        using LsmDatabase db = Open(new MemoryFileSystem());
        db.Put(Bytes("a"), Bytes("1"));
        db.Flush();
        db.Delete(Bytes("a"));
        Assert.Null(db.Get(Bytes("a")));
        db.Flush();
        Assert.Null(db.Get(Bytes("a")));
        db.CompactAll();
        Assert.Null(db.Get(Bytes("a")));
    }

    [Fact]
    public void ValuesSurviveReopenFromWalAndFromTables()
    {
        var fs = new MemoryFileSystem();
        using (LsmDatabase db = Open(fs))
        {
            for (int i = 0; i < 3000; i++)
            {
                db.Put(Key(i), Value(i));
            }
        }
        using (LsmDatabase db = Open(fs))
        {
            for (int i = 0; i < 3000; i++)
            {
                Assert.Equal(Text(Value(i)), Text(db.Get(Key(i))));
            }
            Assert.Empty(db.RecoveryReport);
        }
    }

    [Fact]
    public void ManyWritesFlushAndCompactIntoDeeperLevelsAndStayReadable()
    {
        var fs = new MemoryFileSystem();
        using LsmDatabase db = Open(fs);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 4000; i++)
            {
                db.Put(Key((i * 7919) % 4000), Value(i, round));
            }
        }
        db.Flush();
        db.CompactUntilSettled();
        LsmStatistics stats = db.GetStatistics();
        Assert.True(stats.Flushes > 0);
        Assert.True(stats.Compactions + stats.TrivialMoves > 0);
        var writerOf = new int[4000];
        for (int j = 0; j < 4000; j++)
        {
            writerOf[(j * 7919) % 4000] = j;
        }
        for (int i = 0; i < 4000; i++)
        {
            Assert.Equal(Text(Value(writerOf[i], 2)), Text(db.Get(Key(i))));
        }
    }

    [Fact]
    public void WriteBatchIsAppliedAtomicallyAcrossReopen()
    {
        var fs = new MemoryFileSystem();
        using (LsmDatabase db = Open(fs))
        {
            var batch = new WriteBatch();
            batch.Put(Bytes("x"), Bytes("1"));
            batch.Put(Bytes("y"), Bytes("2"));
            batch.Delete(Bytes("x"));
            db.Write(batch, new WriteOptions { Sync = true });
        }
        using (LsmDatabase db = Open(fs))
        {
            Assert.Null(db.Get(Bytes("x")));
            Assert.Equal("2", Text(db.Get(Bytes("y"))));
        }
    }

    [Fact]
    public void SnapshotKeepsSeeingOldValuesAfterOverwritesFlushesAndCompactions()
    {
        using LsmDatabase db = Open(new MemoryFileSystem());
        db.Put(Bytes("k"), Bytes("old"));
        using Snapshot snapshot = db.GetSnapshot();
        db.Put(Bytes("k"), Bytes("new"));
        db.Delete(Bytes("k2"));
        db.Flush();
        db.CompactAll();
        var options = new ReadOptions { Snapshot = snapshot };
        Assert.Equal("old", Text(db.Get(Bytes("k"), options)));
        Assert.Equal("new", Text(db.Get(Bytes("k"))));
    }

    [Fact]
    public void BackgroundWorkFlushesAndCompactsWhileWritersContinue()
    {
        var fs = new MemoryFileSystem();
        using LsmDatabase db = Open(fs, SmallOptions(background: true));
        var threads = new Thread[2];
        for (int t = 0; t < threads.Length; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                for (int i = 0; i < 5000; i++)
                {
                    db.Put(Key((id * 100000) + i), Value(i));
                }
            });
            threads[t].Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
        db.Flush();
        for (int t = 0; t < threads.Length; t++)
        {
            for (int i = 0; i < 5000; i += 7)
            {
                Assert.Equal(Text(Value(i)), Text(db.Get(Key((t * 100000) + i))));
            }
        }
        Assert.True(db.GetStatistics().Flushes > 0);
    }
}
