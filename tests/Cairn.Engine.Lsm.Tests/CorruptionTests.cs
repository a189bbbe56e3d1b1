using Cairn.Engine.Lsm.Manifest;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using static Cairn.Engine.Lsm.Tests.TestDatabase;

namespace Cairn.Engine.Lsm.Tests;

public sealed class CorruptionTests
{
    [Fact]
    public void FlippedBitInATableBlockIsReportedWithFileAndOffsetAndOtherKeysStayReadable()
    {
        var fs = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(5));
        LsmOptions options = SmallOptions();
        options.Compression = Table.CompressionType.None;
        using (LsmDatabase db = Open(fs, options))
        {
            for (int i = 0; i < 2000; i++)
            {
                db.Put(Key(i), Value(i));
            }
            db.CompactAll();
        }
        string table = fs.List(DatabasePath).First(name => name.EndsWith(".sst", StringComparison.Ordinal));
        string tablePath = $"{DatabasePath}/{table}";
        fs.FlipBit(tablePath, 8 * 20); // inside the first data block

        using LsmDatabase reopened = Open(fs, options);
        int failures = 0, served = 0;
        CorruptionException? first = null;
        for (int i = 0; i < 2000; i++)
        {
            try
            {
                byte[]? value = reopened.Get(Key(i));
                if (value is not null)
                {
                    Assert.Equal(Text(Value(i)), Text(value));
                    served++;
                }
            }
            catch (CorruptionException e)
            {
                first ??= e;
                failures++;
            }
        }
        Assert.NotNull(first);
        Assert.Equal(tablePath, first.FilePath);
        Assert.Equal(0, first.Offset);
        Assert.Contains("checksum", first.Message, StringComparison.Ordinal);
        Assert.InRange(failures, 1, 100);
        Assert.True(served > 1800, $"served {served}");
        Assert.Contains(reopened.GetCorruptions(), e => e.FilePath == tablePath && e.Offset == 0);
        // The block is never cached: asking again fails again rather than serving damaged data.
        Assert.Throws<CorruptionException>(() => reopened.Get(Key(0)));
        Assert.Contains(reopened.VerifyAllTables(), e => e.FilePath == tablePath && e.Offset == 0);
    }

    [Fact]
    public void ScrubberFindsDamageInColdTablesOnItsOwn()
    {
        var fs = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(6));
        LsmOptions options = SmallOptions();
        using (LsmDatabase db = Open(fs, options))
        {
            for (int i = 0; i < 1000; i++)
            {
                db.Put(Key(i), Value(i));
            }
            db.CompactAll();
        }
        string table = fs.List(DatabasePath).First(name => name.EndsWith(".sst", StringComparison.Ordinal));
        fs.FlipBit($"{DatabasePath}/{table}", 8 * 30);
        options.ScrubberBytesPerSecond = 10 * 1024 * 1024;
        using LsmDatabase reopened = Open(fs, options);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (reopened.GetCorruptions().Count == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        Assert.Contains(reopened.GetCorruptions(), e => e.FilePath.EndsWith(table, StringComparison.Ordinal));
    }

    [Fact]
    public void CompactionLeavesADamagedTableAloneAndKeepsServingTheRest()
    {
        var fs = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(7));
        LsmOptions options = SmallOptions();
        using LsmDatabase db = Open(fs, options);
        for (int i = 0; i < 1000; i++)
        {
            db.Put(Key(i), Value(i));
        }
        db.Flush();
        string table = fs.List(DatabasePath).First(name => name.EndsWith(".sst", StringComparison.Ordinal));
        fs.FlipBit($"{DatabasePath}/{table}", 8 * 30);
        for (int i = 1000; i < 3000; i++)
        {
            db.Put(Key(i), Value(i));
        }
        db.Flush();
        db.CompactAll();
        Assert.NotEmpty(db.GetCorruptions());
        for (int i = 1000; i < 3000; i++)
        {
            Assert.Equal(Text(Value(i)), Text(db.Get(Key(i))));
        }
        db.Put(Bytes("after"), Bytes("still writable"));
        Assert.Equal("still writable", Text(db.Get(Bytes("after"))));
    }

    [Fact]
    public void DamagedSyncedWalRecordIsReportedAndReplayStopsAtTheLastGoodRecord()
    {
        var fs = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(8));
        using (LsmDatabase db = Open(fs))
        {
            for (int i = 0; i < 200; i++)
            {
                db.Put(Key(i), Value(i), new WriteOptions { Sync = true });
            }
        }
        string log = fs.List(DatabasePath).Where(name => name.EndsWith(".log", StringComparison.Ordinal)).Max()!;
        string logPath = $"{DatabasePath}/{log}";
        long length = fs.GetLength(logPath);
        fs.FlipBit(logPath, length * 8 / 2);

        var strict = SmallOptions();
        strict.WalRecovery = WalRecoveryMode.AbsoluteConsistency;
        CorruptionException error = Assert.Throws<CorruptionException>(() => Open(fs, strict));
        Assert.Equal(logPath, error.FilePath);

        using LsmDatabase reopened = Open(fs);
        Assert.Contains(reopened.RecoveryReport, line => line.Contains(log, StringComparison.Ordinal) && line.Contains("damage", StringComparison.Ordinal));
        int present = 0;
        for (int i = 0; i < 200; i++)
        {
            byte[]? value = reopened.Get(Key(i));
            if (value is null)
            {
                // Point in time: once one write is missing, every later one is too.
                for (int j = i; j < 200; j++)
                {
                    Assert.Null(reopened.Get(Key(j)));
                }
                break;
            }
            Assert.Equal(Text(Value(i)), Text(value));
            present++;
        }
        Assert.InRange(present, 50, 150);
    }

    [Fact]
    public void DamagedManifestFailsTheOpenWithItsName()
    {
        var fs = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(9));
        using (LsmDatabase db = Open(fs))
        {
            db.Put(Bytes("a"), Bytes("b"));
            db.Flush();
        }
        string manifest = fs.List(DatabasePath).First(name => name.StartsWith("MANIFEST-", StringComparison.Ordinal));
        fs.FlipBit($"{DatabasePath}/{manifest}", 8 * 30);
        CorruptionException error = Assert.Throws<CorruptionException>(() => Open(fs));
        Assert.EndsWith(manifest, error.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTableFailsTheOpenWithItsName()
    {
        var fs = new MemoryFileSystem();
        using (LsmDatabase db = Open(fs))
        {
            db.Put(Bytes("a"), Bytes("b"));
            db.Flush();
        }
        string table = fs.List(DatabasePath).First(name => name.EndsWith(".sst", StringComparison.Ordinal));
        fs.Delete($"{DatabasePath}/{table}");
        CorruptionException error = Assert.Throws<CorruptionException>(() => Open(fs));
        Assert.EndsWith(table, error.FilePath, StringComparison.Ordinal);
    }
}
