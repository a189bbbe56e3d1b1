using System.Globalization;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Keys;

public sealed class ScanCommandTests : IClassFixture<ScanCommandTests.Fixture>
{
    private readonly TestServer _server;

    public ScanCommandTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    /// <summary>One SCAN call through StackExchange.Redis: (next cursor, keys).</summary>
    private (string Cursor, List<string> Keys) Scan(int database, string cursor, params object[] options)
    {
        RedisResult result = _server.Database(database).Execute("SCAN", [cursor, .. options]);
        var parts = (RedisResult[])result!;
        var keys = new List<string>();
        foreach (RedisResult key in (RedisResult[])parts[1]!)
        {
            keys.Add((string)key!);
        }
        return ((string)parts[0]!, keys);
    }

    private List<string> ScanAll(int database, params object[] options)
    {
        var all = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            (cursor, List<string> keys) = Scan(database, cursor, options);
            all.AddRange(keys);
            Assert.True(++calls < 100_000, "scan did not terminate");
        }
        while (cursor != "0");
        return all;
    }

    [Fact]
    public void AFullScanReturnsEveryKeyExactlyOnce()
    {
        for (int i = 0; i < 500; i++)
        {
            KeyspaceSeeder.SetString(_server, "full:" + i, "v", database: 1);
        }
        List<string> keys = ScanAll(1, "COUNT", 17);
        Assert.Equal(500, keys.Count);
        Assert.Equal(500, keys.Distinct().Count());
    }

    [Fact]
    public void CountBoundsTheKeysExaminedPerCall()
    {
        for (int i = 0; i < 50; i++)
        {
            KeyspaceSeeder.SetString(_server, "count:" + i, "v", database: 2);
        }
        (string cursor, List<string> keys) = Scan(2, "0");
        Assert.Equal(10, keys.Count); // default COUNT
        Assert.NotEqual("0", cursor);
        (cursor, keys) = Scan(2, "0", "COUNT", 3);
        Assert.Equal(3, keys.Count);
        (cursor, keys) = Scan(2, "0", "COUNT", 1000);
        Assert.Equal(50, keys.Count);
        Assert.Equal("0", cursor);
    }

    [Fact]
    public void KeysPresentForTheWholeScanAreReturnedDespiteConcurrentAddsAndDeletes()
    {
        const int db = 3;
        const int stableCount = 2_000;
        var stable = new HashSet<string>();
        for (int i = 0; i < stableCount; i++)
        {
            string key = "stable:" + i;
            stable.Add(key);
            KeyspaceSeeder.SetString(_server, key, "v", db);
            KeyspaceSeeder.SetString(_server, "churn:" + i, "v", db);
        }
        using var stop = new CancellationTokenSource();
        Exception? writerFailure = null;
        var writer = new Thread(() =>
        {
            try
            {
                var random = new Random(12345);
                using RawClient client = _server.Raw();
                client.Execute("SELECT", db.ToString(CultureInfo.InvariantCulture));
                int next = stableCount;
                while (!stop.IsCancellationRequested && next < 4 * stableCount) // bounded, so the scan can catch up
                {
                    // Delete old churn keys (freeing slots for reuse) and add new ones, growing the table meanwhile.
                    client.Execute("DEL", "churn:" + random.Next(next));
                    KeyspaceSeeder.SetString(_server, "churn:" + next++, "v", db);
                    KeyspaceSeeder.SetString(_server, "churn:" + next++, "v", db);
                }
            }
            catch (Exception e)
            {
                writerFailure = e;
            }
        });
        writer.Start();
        var seen = new List<string>();
        try
        {
            string cursor = "0";
            do
            {
                (cursor, List<string> keys) = Scan(db, cursor, "COUNT", 25);
                seen.AddRange(keys);
                Thread.Sleep(1);
            }
            while (cursor != "0");
        }
        finally
        {
            stop.Cancel();
            writer.Join();
        }
        Assert.Null(writerFailure);
        var stableSeen = seen.Where(k => k.StartsWith("stable:", StringComparison.Ordinal)).ToList();
        Assert.Empty(stable.Except(stableSeen));
        Assert.Equal(stableSeen.Count, stableSeen.Distinct().Count());
    }

    [Fact]
    public void MatchFiltersAfterCounting()
    {
        for (int i = 0; i < 30; i++)
        {
            KeyspaceSeeder.SetString(_server, (i % 3 == 0 ? "user:" : "item:") + i, "v", database: 4);
        }
        List<string> users = ScanAll(4, "MATCH", "user:*", "COUNT", 4);
        Assert.Equal(10, users.Count);
        Assert.All(users, k => Assert.StartsWith("user:", k, StringComparison.Ordinal));
        Assert.Equal(30, ScanAll(4, "MATCH", "*").Count);
        Assert.Empty(ScanAll(4, "match", "nobody:*"));
    }

    [Fact]
    public void TypeFiltersByTypeNameIgnoringCase()
    {
        KeyspaceSeeder.SetString(_server, "t:string", "v", database: 5);
        KeyspaceSeeder.SetValue(_server, "t:list"u8.ToArray(), new TestCollection(DataType.List, "listpack", ["a"]), database: 5);
        KeyspaceSeeder.SetValue(_server, "t:hash"u8.ToArray(), new TestCollection(DataType.Hash, "listpack", ["a"]), database: 5);
        Assert.Equal(["t:list"], ScanAll(5, "TYPE", "list"));
        Assert.Equal(["t:string"], ScanAll(5, "TYPE", "STRING"));
        Assert.Equal(["t:hash"], ScanAll(5, "MATCH", "t:*", "TYPE", "hash", "COUNT", 100));
        Assert.Empty(ScanAll(5, "TYPE", "nosuchtype"));
    }

    [Fact]
    public void ExpiredKeysAreSkippedAndDeleted()
    {
        KeyspaceSeeder.SetString(_server, "live", "v", database: 6);
        KeyspaceSeeder.SetString(_server, "dead", "v", database: 6, expiresAtMilliseconds: _server.Context.NowMilliseconds + 60_000);
        KeyspaceSeeder.Read(_server, s =>
        {
            s[6].MoveDeadlineUnscheduled(s[6].FindRaw("dead"u8), 1); // due, but not in the active cycle's reach
            return 0;
        });
        Assert.Equal(["live"], ScanAll(6));
        Assert.False(KeyspaceSeeder.IsStored(_server, "dead", 6));
    }

    [Fact]
    public void AnEmptyDatabaseScansToCursorZeroAtOnce()
    {
        (string cursor, List<string> keys) = Scan(10, "0");
        Assert.Equal("0", cursor);
        Assert.Empty(keys);
    }

    [Fact]
    public void TheEmptyKeyIsReturnedForMatchStar()
    {
        KeyspaceSeeder.SetString(_server, "", "v", database: 11);
        KeyspaceSeeder.SetString(_server, "x", "v", database: 11);
        Assert.Equal(2, ScanAll(11, "MATCH", "*").Count);
        Assert.Equal(["x"], ScanAll(11, "MATCH", "**"));
    }

    [Fact]
    public void CursorParsingFollowsStrtoul()
    {
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "12");
        Assert.Equal("[0, []]", client.Execute("SCAN", "0"));
        Assert.Equal("[0, []]", client.Execute("SCAN", ""));
        Assert.Equal("[0, []]", client.Execute("SCAN", "+0"));
        Assert.Equal("[0, []]", client.Execute("SCAN", "-1"));
        Assert.Equal("[0, []]", client.Execute("SCAN", "18446744073709551615"));
        Assert.Equal("[0, []]", client.Execute("SCAN", "99999"));
        Assert.Equal("-ERR invalid cursor", client.Execute("SCAN", "18446744073709551616"));
        Assert.Equal("-ERR invalid cursor", client.Execute("SCAN", "abc"));
        Assert.Equal("-ERR invalid cursor", client.Execute("SCAN", " 1"));
        Assert.Equal("-ERR invalid cursor", client.Execute("SCAN", "1 "));
        Assert.Equal("-ERR invalid cursor", client.Execute("SCAN", "-"));
        Assert.Equal("-ERR invalid cursor", client.Execute("SCAN", "0x10"));
        Assert.Equal("-ERR invalid cursor", client.Execute("SCAN", "abc", "COUNT", "0"));
    }

    [Fact]
    public void BadOptionsAreRefused()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR syntax error", client.Execute("SCAN", "0", "COUNT", "0"));
        Assert.Equal("-ERR syntax error", client.Execute("SCAN", "0", "COUNT", "-5"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("SCAN", "0", "COUNT", "ten"));
        Assert.Equal("-ERR syntax error", client.Execute("SCAN", "0", "MATCH"));
        Assert.Equal("-ERR syntax error", client.Execute("SCAN", "0", "COUNT"));
        Assert.Equal("-ERR syntax error", client.Execute("SCAN", "0", "TYPE"));
        Assert.Equal("-ERR syntax error", client.Execute("SCAN", "0", "LIMIT", "5"));
        Assert.Equal("-ERR syntax error", client.Execute("SCAN", "0", "MATCH", "*", "extra"));
    }

    [Fact]
    public void TheCursorIsABulkString()
    {
        KeyspaceSeeder.SetString(_server, "bulk:1", "v", database: 13);
        KeyspaceSeeder.SetString(_server, "bulk:2", "v", database: 13);
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "13");
        client.SendCommand("SCAN", "0", "COUNT", "1");
        Assert.Equal("[1, [bulk:1]]", client.ReadReply());
    }
}
