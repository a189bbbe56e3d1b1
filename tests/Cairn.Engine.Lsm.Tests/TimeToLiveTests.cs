using Cairn.Primitives.FileSystem;
using static Cairn.Engine.Lsm.Tests.TestDatabase;

namespace Cairn.Engine.Lsm.Tests;

public sealed class TimeToLiveTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ExpiringValueReadsUntilItsExpiryThenIsAbsentEverywhere()
    {
        var clock = new ManualTimeProvider(s_start);
        LsmOptions options = SmallOptions();
        options.TimeProvider = clock;
        var fs = new MemoryFileSystem();
        using LsmDatabase db = Open(fs, options);
        db.Put(Bytes("old"), Bytes("kept"));
        db.Put(Bytes("session"), Bytes("token"), s_start.AddMinutes(5));
        Assert.Equal("token", Text(db.Get(Bytes("session"))));
        db.Flush();
        Assert.Equal("token", Text(db.Get(Bytes("session"))));
        using (LsmIterator iterator = db.NewIterator())
        {
            iterator.Seek(Bytes("session"));
            Assert.Equal("token", Text(iterator.Value.ToArray()));
            iterator.SeekToLast();
            Assert.Equal("token", Text(iterator.Value.ToArray()));
        }
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(db.Get(Bytes("session")));
        using (LsmIterator iterator = db.NewIterator())
        {
            var keys = new List<string>();
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                keys.Add(Text(iterator.Key.ToArray()));
            }
            Assert.Equal(["old"], keys);
        }
    }

    [Fact]
    public void ExpiredValueDoesNotUncoverAnOlderVersionAndCompactionRemovesIt()
    {
        var clock = new ManualTimeProvider(s_start);
        LsmOptions options = SmallOptions();
        options.TimeProvider = clock;
        using LsmDatabase db = Open(new MemoryFileSystem(), options);
        for (int i = 0; i < 500; i++)
        {
            db.Put(Key(i), Value(i));
        }
        db.CompactAll();
        for (int i = 0; i < 500; i++)
        {
            db.Put(Key(i), Bytes("short-lived"), s_start.AddSeconds(10));
        }
        db.Flush();
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(db.Get(Key(3)));
        db.CompactAll();
        Assert.Null(db.Get(Key(3)));
        Assert.Equal(0, db.GetStatistics().LiveTableBytes);
    }

    [Fact]
    public void ExpiringValuesSurviveReopenWithTheirExpiry()
    {
        var clock = new ManualTimeProvider(s_start);
        LsmOptions options = SmallOptions();
        options.TimeProvider = clock;
        var fs = new MemoryFileSystem();
        using (LsmDatabase db = Open(fs, options))
        {
            db.Put(Bytes("a"), Bytes("1"), s_start.AddHours(1));
        }
        using (LsmDatabase db = Open(fs, options))
        {
            Assert.Equal("1", Text(db.Get(Bytes("a"))));
            clock.Advance(TimeSpan.FromHours(2));
            Assert.Null(db.Get(Bytes("a")));
        }
    }
}
