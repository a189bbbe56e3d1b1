using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

/// <summary>DBSIZE, FLUSHDB, FLUSHALL, SWAPDB. Own server: these commands change every database.</summary>
public sealed class DatabaseCommandsTests : IClassFixture<DatabaseCommandsTests.Fixture>
{
    private readonly TestServer _server;

    public DatabaseCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private void Seed(string key, int database, long expiresAt = 0) => KeyspaceSeeder.SetString(_server, key, "v", database, expiresAt);

    private int Count(int database) => KeyspaceSeeder.Read(_server, s => s[database].Count);

    private long Dirty => KeyspaceSeeder.Read(_server, s => s.Dirty);

    [Fact]
    public void DbSizeCountsTheSelectedDatabase()
    {
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "14");
        client.Execute("FLUSHDB");
        Assert.Equal(":0", client.Execute("DBSIZE"));
        Seed("a", 14);
        Seed("b", 14);
        Seed("c", 15);
        Assert.Equal(":2", client.Execute("DBSIZE"));
    }

    [Fact]
    public void FlushDbEmptiesOnlyTheSelectedDatabaseAndCountsTheKeysAsChanges()
    {
        Seed("f1", 1);
        Seed("f2", 1);
        Seed("f3", 1, _server.Context.NowMilliseconds + 100_000);
        Seed("keep", 2);
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "1");
        long dirty = Dirty;
        Assert.Equal("+OK", client.Execute("FLUSHDB"));
        Assert.Equal(dirty + 3, Dirty);
        Assert.Equal(0, Count(1));
        Assert.Equal(1, Count(2));
        Assert.Equal(":-2", client.Execute("TTL", "f3"));
    }

    [Fact]
    public void FlushModesAreSyncOrAsyncOnly()
    {
        Seed("m", 3);
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "3");
        Assert.Equal("+OK", client.Execute("FLUSHDB", "async"));
        Assert.Equal(0, Count(3));
        Assert.Equal("+OK", client.Execute("FLUSHDB", "SYNC"));
        Assert.Equal("-ERR syntax error", client.Execute("FLUSHDB", "now"));
        Assert.Equal("-ERR syntax error", client.Execute("FLUSHDB", "ASYNC", "SYNC"));
        Assert.Equal("-ERR syntax error", client.Execute("FLUSHALL", "later"));
        Assert.Equal("-ERR syntax error", client.Execute("FLUSHALL", "SYNC", "SYNC"));
    }

    [Fact]
    public void FlushAllEmptiesEveryDatabaseAndCountsKeysPlusOne()
    {
        Seed("all1", 0);
        Seed("all2", 0);
        Seed("all3", 7);
        Seed("all4", 15);
        long keys = KeyspaceSeeder.Read(_server, s => s.TotalKeys());
        long dirty = Dirty;
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("FLUSHALL", "ASYNC"));
        Assert.Equal(dirty + keys + 1, Dirty);
        Assert.Equal(0, KeyspaceSeeder.Read(_server, s => s.TotalKeys()));
        Assert.Equal("+OK", client.Execute("FLUSHALL"));
    }

    [Fact]
    public void SwapDbSwapsContentsUnderConnectedClients()
    {
        Seed("in4", 4, _server.Context.NowMilliseconds + 100_000);
        Seed("in5", 5);
        using RawClient in4 = _server.Raw();
        in4.Execute("SELECT", "4");
        using RawClient client = _server.Raw();
        long dirty = Dirty;
        Assert.Equal("+OK", client.Execute("SWAPDB", "4", "5"));
        Assert.Equal(dirty + 1, Dirty);
        Assert.Equal(":0", in4.Execute("EXISTS", "in4"));
        Assert.Equal(":1", in4.Execute("EXISTS", "in5"));
        client.Execute("SELECT", "5");
        Assert.Equal(":1", client.Execute("EXISTS", "in4"));
        Assert.NotEqual(":-1", client.Execute("TTL", "in4"));
        Assert.Equal("+OK", client.Execute("SWAPDB", "5", "5"));
        Assert.Equal(":1", client.Execute("EXISTS", "in4"));
    }

    [Fact]
    public void SwapDbRepliesRedisErrors()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR invalid first DB index", client.Execute("SWAPDB", "a", "1"));
        Assert.Equal("-ERR invalid first DB index", client.Execute("SWAPDB", "99999999999", "1"));
        Assert.Equal("-ERR invalid second DB index", client.Execute("SWAPDB", "1", "b"));
        Assert.Equal("-ERR invalid second DB index", client.Execute("SWAPDB", "1", "1.0"));
        Assert.Equal("-ERR DB index is out of range", client.Execute("SWAPDB", "0", "16"));
        Assert.Equal("-ERR DB index is out of range", client.Execute("SWAPDB", "-1", "0"));
    }

    [Fact]
    public void EachKeyspaceWriteCountsAsRedisCountsIt()
    {
        Seed("dirty:a", 8);
        Seed("dirty:b", 8);
        Seed("dirty:c", 8);
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "8");
        long dirty = Dirty;
        Assert.Equal("+OK", client.Execute("RENAME", "dirty:a", "dirty:a2"));
        Assert.Equal(dirty + 1, Dirty);
        Assert.Equal(":1", client.Execute("MOVE", "dirty:a2", "9"));
        Assert.Equal(dirty + 2, Dirty);
        Assert.Equal(":1", client.Execute("COPY", "dirty:b", "dirty:b2"));
        Assert.Equal(dirty + 3, Dirty);
        Assert.Equal(":1", client.Execute("EXPIRE", "dirty:b", "100"));
        Assert.Equal(":1", client.Execute("PERSIST", "dirty:b"));
        Assert.Equal(dirty + 5, Dirty);
        Assert.Equal(":0", client.Execute("PERSIST", "dirty:b"));
        Assert.Equal(":2", client.Execute("DEL", "dirty:b", "dirty:c", "dirty:none"));
        Assert.Equal(dirty + 7, Dirty);
    }
}
