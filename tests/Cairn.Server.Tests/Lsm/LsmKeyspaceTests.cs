using StackExchange.Redis;

namespace Cairn.Server.Tests.Lsm;

/// <summary>Keyspace-wide commands on a storage-lsm node, where most keys are only on disk.</summary>
public sealed class LsmKeyspaceTests
{
    private static void WithServer(Action<LsmTestServer> test, Action<Cairn.Commands.Config.ServerConfig>? configure = null)
    {
        string dir = LsmTestServer.NewDirectory();
        try
        {
            using var server = new LsmTestServer(dir, configure);
            test(server);
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }

    private static void Load(IDatabase db, string prefix, int count)
    {
        var value = new string('v', 1000);
        for (int i = 0; i < count; i++)
        {
            db.StringSet($"{prefix}{i}", value);
        }
    }

    [Fact]
    public void DbSizeExistsAndKeysCountKeysThatAreOnlyOnDisk() => WithServer(server =>
    {
        IDatabase db = server.Database();
        Load(db, "k", 1000);
        Assert.True(server.ResidentKeys < 1000);
        Assert.Equal(1000L, (long)db.Execute("DBSIZE"));
        Assert.Equal(1000, db.KeyExists(Enumerable.Range(0, 1000).Select(i => (RedisKey)$"k{i}").ToArray()));
        Assert.Equal(1000, ((RedisResult[])db.Execute("KEYS", "*")!).Length);
        Assert.Equal(111, ((RedisResult[])db.Execute("KEYS", "k1*")!).Length);
        db.KeyDelete(["k1", "k2", "nope"]);
        Assert.Equal(998L, (long)db.Execute("DBSIZE"));
        db.StringSet("k1", "again");
        db.StringSet("k1", "twice");
        Assert.Equal(999L, (long)db.Execute("DBSIZE"));
        Assert.Contains("db0:keys=999,expires=0", server.Multiplexer.GetServer($"127.0.0.1:{server.Port}").InfoRaw("keyspace"));
    });

    [Fact]
    public void ScanReturnsEveryKeyOnceWhateverTheCountAndFiltersByMatchAndType() => WithServer(server =>
    {
        IDatabase db = server.Database();
        Load(db, "scan:", 500);
        db.ListRightPush("scan:list", "x");
        foreach (int count in new[] { 1, 7, 100, 1000 })
        {
            var seen = new HashSet<string>();
            long cursor = 0;
            int calls = 0;
            do
            {
                var reply = (RedisResult[])db.Execute("SCAN", cursor, "COUNT", count)!;
                cursor = long.Parse((string)reply[0]!, System.Globalization.CultureInfo.InvariantCulture);
                foreach (RedisResult key in (RedisResult[])reply[1]!)
                {
                    seen.Add((string)key!);
                }
                calls++;
            }
            while (cursor != 0 && calls < 10_000);
            Assert.Equal(501, seen.Count);
        }
        var lists = new List<string>();
        long next = 0;
        do
        {
            var reply = (RedisResult[])db.Execute("SCAN", next, "TYPE", "list", "COUNT", 50)!;
            next = long.Parse((string)reply[0]!, System.Globalization.CultureInfo.InvariantCulture);
            lists.AddRange(((RedisResult[])reply[1]!).Select(r => (string)r!));
        }
        while (next != 0);
        Assert.Equal(["scan:list"], lists);
        // The client library's own cursor loop works too.
        IServer admin = server.Multiplexer.GetServer($"127.0.0.1:{server.Port}");
        Assert.Equal(10, admin.Keys(pattern: "scan:1?", pageSize: 10).Count());
        Assert.Equal(501, admin.Keys(pageSize: 33).Count());
    });

    [Fact]
    public void ScanKeepsItsGuaranteeWhileKeysAreAddedAndDeleted() => WithServer(server =>
    {
        IDatabase db = server.Database();
        Load(db, "stable:", 300);
        var seen = new HashSet<string>();
        long cursor = 0;
        int step = 0;
        do
        {
            var reply = (RedisResult[])db.Execute("SCAN", cursor, "COUNT", 20)!;
            cursor = long.Parse((string)reply[0]!, System.Globalization.CultureInfo.InvariantCulture);
            seen.UnionWith(((RedisResult[])reply[1]!).Select(r => (string)r!));
            db.StringSet($"added:{step}", "x");
            db.KeyDelete($"volatile:{step}");
            step++;
        }
        while (cursor != 0);
        for (int i = 0; i < 300; i++)
        {
            Assert.Contains($"stable:{i}", seen);
        }
    });

    [Fact]
    public void RandomKeyReturnsALiveKeyOrNil() => WithServer(server =>
    {
        IDatabase db = server.Database();
        using (var raw = server.Raw())
        {
            Assert.Equal("(nil)", raw.Execute("RANDOMKEY"));
        }
        Load(db, "r", 200);
        var picked = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            string key = db.KeyRandom()!;
            Assert.StartsWith("r", key);
            picked.Add(key);
        }
        Assert.True(picked.Count > 10, $"only {picked.Count} distinct random keys");
    });

    [Fact]
    public void FlushDbAndFlushAllDeleteKeysOnDiskAndStayDeletedAfterRestart()
    {
        string dir = LsmTestServer.NewDirectory();
        try
        {
            using (var server = new LsmTestServer(dir))
            {
                Load(server.Database(0), "a", 300);
                Load(server.Database(1), "b", 300);
                Load(server.Database(2), "c", 10);
                server.Database(0).Execute("FLUSHDB");
                Assert.Equal(0L, (long)server.Database(0).Execute("DBSIZE"));
                Assert.False(server.Database(0).KeyExists("a5"));
                Assert.Equal(300L, (long)server.Database(1).Execute("DBSIZE"));
                server.Database(0).StringSet("after", "flush");
                server.Database(2).Execute("FLUSHALL");
                Assert.Equal(0L, (long)server.Database(1).Execute("DBSIZE"));
                Assert.Equal(0L, (long)server.Database(2).Execute("DBSIZE"));
                server.Database(1).StringSet("b1", "new");
            }
            using (var server = new LsmTestServer(dir))
            {
                Assert.Equal(0L, (long)server.Database(0).Execute("DBSIZE"));
                Assert.Equal(1L, (long)server.Database(1).Execute("DBSIZE"));
                Assert.Equal("new", (string?)server.Database(1).StringGet("b1"));
                Assert.False(server.Database(1).KeyExists("b2"));
            }
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }

    [Fact]
    public void SwapDbSwapsKeysOnDiskAndTheSwapSurvivesRestart()
    {
        string dir = LsmTestServer.NewDirectory();
        try
        {
            using (var server = new LsmTestServer(dir))
            {
                Load(server.Database(0), "zero", 200);
                Load(server.Database(3), "three", 100);
                server.Database(0).Execute("SWAPDB", 0, 3);
                Assert.Equal(100L, (long)server.Database(0).Execute("DBSIZE"));
                Assert.Equal(200L, (long)server.Database(3).Execute("DBSIZE"));
                Assert.True(server.Database(0).KeyExists("three5"));
                Assert.False(server.Database(0).KeyExists("zero5"));
                Assert.True(server.Database(3).KeyExists("zero150"));
                server.Database(0).StringSet("three5", "changed");
            }
            using (var server = new LsmTestServer(dir))
            {
                Assert.Equal(100L, (long)server.Database(0).Execute("DBSIZE"));
                Assert.Equal(200L, (long)server.Database(3).Execute("DBSIZE"));
                Assert.Equal("changed", (string?)server.Database(0).StringGet("three5"));
                Assert.True(server.Database(3).KeyExists("zero199"));
            }
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }

    [Fact]
    public void MoveRenameAndCopyWorkOnKeysThatAreOnlyOnDisk() => WithServer(server =>
    {
        IDatabase db = server.Database();
        db.HashSet("h", [new HashEntry("f", "v")]);
        db.StringSet("s", "string");
        db.StringSet("taken", "x", TimeSpan.FromHours(1));
        Load(db, "filler", 400);
        Assert.True(db.KeyMove("h", 1));
        Assert.False(db.KeyExists("h"));
        Assert.Equal("v", (string?)server.Database(1).HashGet("h", "f"));
        Assert.True(db.KeyRename("s", "s2"));
        Assert.False(db.KeyExists("s"));
        Assert.Equal("string", (string?)db.StringGet("s2"));
        Load(db, "filler2-", 400);
        Assert.True(db.KeyCopy("s2", "s3"));
        Assert.False(db.KeyCopy("s2", "taken"));
        Assert.True(db.KeyCopy("s2", "taken", replace: true));
        Assert.Null(db.KeyTimeToLive("taken"));
        Assert.Equal("string", (string?)db.StringGet("taken"));
        Assert.Equal(400L + 400 + 3, (long)db.Execute("DBSIZE")); // s2, s3, taken and the fillers
        Assert.Equal(1L, (long)server.Database(1).Execute("DBSIZE"));
    });

    [Fact]
    public void ExpiredKeysOnDiskAreNotServedAndActiveExpiryDeletesThem() => WithServer(server =>
    {
        IDatabase db = server.Database();
        // Long enough that a loaded machine still counts them all before they expire.
        var expiry = TimeSpan.FromMilliseconds(3000);
        db.Ping(); // the client's first command can stall on its own connection set-up
        // The first key cannot expire before firstExpiry; every one has by lastExpiry.
        DateTime firstExpiry = DateTime.UtcNow + expiry;
        for (int i = 0; i < 100; i++)
        {
            db.StringSet($"short{i}", "x", expiry);
        }
        DateTime lastExpiry = DateTime.UtcNow + expiry;
        db.StringSet("long", "x", TimeSpan.FromHours(1));
        Load(db, "filler", 400);
        long size = (long)db.Execute("DBSIZE");
        string? keyspace = server.Multiplexer.GetServer($"127.0.0.1:{server.Port}").InfoRaw("keyspace");
        if (DateTime.UtcNow < firstExpiry - TimeSpan.FromMilliseconds(200))
        {
            // Only while none can have expired yet (a stalled machine may take longer than the expiry to get here).
            Assert.Equal(501L, size);
            Assert.Contains("expires=101", keyspace);
        }
        TimeSpan remaining = lastExpiry - DateTime.UtcNow;
        Thread.Sleep((remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + TimeSpan.FromMilliseconds(100));
        Assert.False(db.KeyExists("short3"));
        Assert.Empty(((RedisResult[])db.Execute("KEYS", "short*")!));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((long)db.Execute("DBSIZE") > 401 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
        Assert.Equal(401L, (long)db.Execute("DBSIZE"));
        TimeSpan? ttl = db.KeyTimeToLive("long");
        Assert.True(ttl > TimeSpan.FromMinutes(59));
        Assert.True(db.KeyPersist("long"));
        Assert.Contains("expires=0", server.Multiplexer.GetServer($"127.0.0.1:{server.Port}").InfoRaw("keyspace"));
    });

    [Fact]
    public void WatchIsBrokenByAWriteToAKeyThatWasOnlyOnDisk() => WithServer(server =>
    {
        IDatabase db = server.Database();
        db.StringSet("watched", "1");
        Load(db, "filler", 400);
        using var watcher = server.Raw();
        using var writer = server.Raw();
        Assert.Equal("+OK", watcher.Execute("WATCH", "watched"));
        Load(db, "filler2-", 400);
        writer.Execute("INCR", "watched");
        watcher.Execute("MULTI");
        watcher.Execute("SET", "watched", "100");
        Assert.Equal("(nil array)", watcher.Execute("EXEC"));
        Assert.Equal("2", writer.Execute("GET", "watched"));
    });

    [Fact]
    public void WritesNeverFailWithOomWhenTheDataIsLargerThanMaxMemory() => WithServer(server =>
    {
        IDatabase db = server.Database();
        var value = new string('x', 10_000);
        for (int i = 0; i < 300; i++)
        {
            db.StringSet($"big{i}", value); // 3 MB into a 256 KB maxmemory
        }
        Assert.True(server.UsedMemoryBytes < 2 * 256 * 1024);
        Assert.Equal(value, (string?)db.StringGet("big0"));
    }, config => config.MaxMemoryPolicy = "noeviction");
}
