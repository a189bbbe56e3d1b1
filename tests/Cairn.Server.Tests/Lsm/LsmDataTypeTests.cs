using StackExchange.Redis;

namespace Cairn.Server.Tests.Lsm;

/// <summary>
/// Every data type through a real client on a storage-lsm node whose maxmemory is far below the data: values are pushed
/// out of memory and read back from the LSM, changed while out of memory, and all of it survives a restart.
/// </summary>
public sealed class LsmDataTypeTests
{
    private const int Groups = 40;

    [Fact]
    public void EveryDataTypeReadsBackAfterBeingPushedOutOfMemoryAndAfterARestart()
    {
        string dir = LsmTestServer.NewDirectory();
        try
        {
            using (var server = new LsmTestServer(dir))
            {
                IDatabase db = server.Database();
                for (int i = 0; i < Groups; i++)
                {
                    Write(db, i);
                }
                Fill(db, 300);
                Assert.True(server.ResidentKeys < Groups * 8 + 300, "tiny maxmemory should have pushed keys out of memory");
                Assert.True(server.UsedMemoryBytes < 2 * server.Config.MaxMemoryBytes, $"used {server.UsedMemoryBytes}");
                for (int i = 0; i < Groups; i++)
                {
                    Verify(db, i, changed: false);
                }
                for (int i = 0; i < Groups; i++)
                {
                    Fill(db, 5, $"again{i}");
                    Change(db, i);
                }
                for (int i = 0; i < Groups; i++)
                {
                    Verify(db, i, changed: true);
                }
                Assert.True(server.Keyspace.KeysUnloaded > 0 && server.Keyspace.KeysLoaded > 0);
            }
            using (var server = new LsmTestServer(dir))
            {
                IDatabase db = server.Database();
                Assert.Equal(Groups * 8 + 300 + Groups * 5, (long)db.Execute("DBSIZE"));
                for (int i = 0; i < Groups; i++)
                {
                    Verify(db, i, changed: true);
                }
            }
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }

    [Fact]
    public void TypeErrorsAndEncodingsBehaveAsInMemoryModeForKeysOnlyOnDisk()
    {
        string dir = LsmTestServer.NewDirectory();
        try
        {
            using var server = new LsmTestServer(dir);
            IDatabase db = server.Database();
            db.ListRightPush("enc:list", ["a", "b"]);
            db.SetAdd("enc:intset", [1, 2, 3]);
            Fill(db, 300);
            using var raw = server.Raw();
            Assert.StartsWith("-WRONGTYPE", raw.Execute("GET", "enc:list"));
            Assert.Equal("listpack", raw.Execute("OBJECT", "ENCODING", "enc:list"));
            Assert.Equal("intset", raw.Execute("OBJECT", "ENCODING", "enc:intset"));
            Assert.Equal("+list", raw.Execute("TYPE", "enc:list"));
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }

    internal static void Fill(IDatabase db, int count, string prefix = "fill")
    {
        var value = new string('f', 4000);
        for (int i = 0; i < count; i++)
        {
            db.StringSet($"{prefix}:{i}", value);
        }
    }

    private static void Write(IDatabase db, int i)
    {
        db.StringSet($"str:{i}", new string((char)('a' + i % 26), 2000 + i));
        db.ListRightPush($"list:{i}", Enumerable.Range(0, 20).Select(j => (RedisValue)$"l{i}-{j}").ToArray());
        db.HashSet($"hash:{i}", Enumerable.Range(0, 20).Select(j => new HashEntry($"f{j}", $"v{i}-{j}")).ToArray());
        db.SetAdd($"set:{i}", Enumerable.Range(0, 20).Select(j => (RedisValue)(i * 100 + j)).ToArray());
        db.SortedSetAdd($"zset:{i}", Enumerable.Range(0, 20).Select(j => new SortedSetEntry($"m{j}", j * 1.5 + i)).ToArray());
        for (int j = 1; j <= 5; j++)
        {
            db.Execute("XADD", $"stream:{i}", $"{j}-0", "field", $"s{i}-{j}");
        }
        db.Execute("XGROUP", "CREATE", $"stream:{i}", "group", "0");
        db.Execute("TS.CREATE", $"ts:{i}", "LABELS", "group", "lsm", "index", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (int j = 1; j <= 5; j++)
        {
            db.Execute("TS.ADD", $"ts:{i}", j * 1000, i + j);
        }
        db.Execute("JSON.SET", $"json:{i}", "$", $"{{\"n\":{i},\"name\":\"doc{i}\",\"tags\":[\"a\",\"b\"]}}");
    }

    private static void Change(IDatabase db, int i)
    {
        db.StringAppend($"str:{i}", "!");
        db.ListLeftPush($"list:{i}", "head");
        db.HashIncrement($"hash:{i}", "counter", i);
        db.SetRemove($"set:{i}", i * 100);
        db.SortedSetIncrement($"zset:{i}", "m0", 1000);
        db.Execute("XADD", $"stream:{i}", "6-0", "field", "six");
        db.Execute("XREADGROUP", "GROUP", "group", "consumer", "COUNT", "2", "STREAMS", $"stream:{i}", ">");
        db.Execute("TS.ADD", $"ts:{i}", 6000, 600);
        db.Execute("JSON.NUMINCRBY", $"json:{i}", "$.n", 1000);
    }

    private static void Verify(IDatabase db, int i, bool changed)
    {
        string expectedString = new string((char)('a' + i % 26), 2000 + i) + (changed ? "!" : "");
        Assert.Equal(expectedString, (string?)db.StringGet($"str:{i}"));

        RedisValue[] list = db.ListRange($"list:{i}");
        Assert.Equal(changed ? 21 : 20, list.Length);
        Assert.Equal(changed ? "head" : $"l{i}-0", (string?)list[0]);
        Assert.Equal($"l{i}-19", (string?)list[^1]);

        HashEntry[] hash = db.HashGetAll($"hash:{i}");
        Assert.Equal(changed ? 21 : 20, hash.Length);
        Assert.Equal($"v{i}-7", (string?)db.HashGet($"hash:{i}", "f7"));
        if (changed)
        {
            Assert.Equal(i, (long)db.HashGet($"hash:{i}", "counter"));
        }

        Assert.Equal(changed ? 19 : 20, db.SetLength($"set:{i}"));
        Assert.Equal(!changed, db.SetContains($"set:{i}", i * 100));
        Assert.True(db.SetContains($"set:{i}", i * 100 + 19));

        Assert.Equal(20, db.SortedSetLength($"zset:{i}"));
        Assert.Equal(changed ? 1000.0 + i : i, db.SortedSetScore($"zset:{i}", "m0"));
        Assert.Equal(3 * 1.5 + i, db.SortedSetScore($"zset:{i}", "m3"));

        StreamEntry[] stream = db.StreamRange($"stream:{i}");
        Assert.Equal(changed ? 6 : 5, stream.Length);
        Assert.Equal($"s{i}-3", (string?)stream[2]["field"]);
        RedisResult[] groups = (RedisResult[])db.Execute("XINFO", "GROUPS", $"stream:{i}")!;
        Assert.Single(groups);
        string groupInfo = string.Join(",", ((RedisResult[])groups[0]!).Select(r => r.ToString()));
        Assert.Contains(changed ? "pending,2" : "pending,0", groupInfo);

        RedisResult[] samples = (RedisResult[])db.Execute("TS.RANGE", $"ts:{i}", "-", "+")!;
        Assert.Equal(changed ? 6 : 5, samples.Length);
        Assert.Equal("ts:" + i, ((RedisResult[])db.Execute("TS.QUERYINDEX", $"index={i}")!).Single().ToString());

        string json = db.Execute("JSON.GET", $"json:{i}", "$.n").ToString();
        Assert.Equal($"[{(changed ? i + 1000 : i)}]", json);
        Assert.Equal($"[\"doc{i}\"]", db.Execute("JSON.GET", $"json:{i}", "$.name").ToString());
    }
}
