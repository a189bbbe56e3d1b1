using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Hashes;

public sealed class HashCommandsTests : IClassFixture<HashCommandsTests.Fixture>
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
    private readonly TestServer _server;

    public HashCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void HSetCountsNewFieldsAndHGetReadsThem()
    {
        using RawClient c = _server.Raw();
        Assert.Equal(":2", c.Execute("HSET", "hs:h", "a", "1", "b", "2"));
        Assert.Equal(":1", c.Execute("HSET", "hs:h", "a", "10", "c", "3"));
        Assert.Equal("10", c.Execute("HGET", "hs:h", "a"));
        Assert.Equal("(nil)", c.Execute("HGET", "hs:h", "zz"));
        Assert.Equal("(nil)", c.Execute("HGET", "hs:missing", "a"));
        Assert.Equal(":3", c.Execute("HLEN", "hs:h"));
        Assert.Equal(":0", c.Execute("HLEN", "hs:missing"));
    }

    [Fact]
    public void HSetAndHMSetWithOddPairsAreArityErrors()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("-ERR wrong number of arguments for 'hset' command", c.Execute("HSET", "odd:h", "a", "1", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'hmset' command", c.Execute("HMSET", "odd:h", "a", "1", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'hset' command", c.Execute("HSET", "odd:h", "a"));
        Assert.Equal("+OK", c.Execute("HMSET", "odd:h", "a", "1", "b", "2"));
        Assert.Equal("[1, 2, (nil)]", c.Execute("HMGET", "odd:h", "a", "b", "c"));
        Assert.Equal("[(nil), (nil)]", c.Execute("HMGET", "odd:missing", "a", "b"));
    }

    [Fact]
    public void HSetNxSetsOnlyNewFields()
    {
        using RawClient c = _server.Raw();
        Assert.Equal(":1", c.Execute("HSETNX", "nx:h", "f", "v1"));
        Assert.Equal(":0", c.Execute("HSETNX", "nx:h", "f", "v2"));
        Assert.Equal("v1", c.Execute("HGET", "nx:h", "f"));
    }

    [Fact]
    public void HDelRemovesFieldsAndTheEmptiedHash()
    {
        using RawClient c = _server.Raw();
        c.Execute("HSET", "del:h", "a", "1", "b", "2", "c", "3");
        Assert.Equal(":2", c.Execute("HDEL", "del:h", "a", "b", "a", "zz"));
        Assert.Equal(":0", c.Execute("HDEL", "del:h", "zz"));
        Assert.Equal(":1", c.Execute("HDEL", "del:h", "c"));
        Assert.Null(StoreInspection.EncodingOf(_server, "del:h"));
        Assert.Equal(":0", c.Execute("HDEL", "del:h", "c"));
    }

    [Fact]
    public void HStrLenAndHExists()
    {
        using RawClient c = _server.Raw();
        c.Execute("HSET", "len:h", "f", "hello", "n", "-123");
        Assert.Equal(":5", c.Execute("HSTRLEN", "len:h", "f"));
        Assert.Equal(":4", c.Execute("HSTRLEN", "len:h", "n"));
        Assert.Equal(":0", c.Execute("HSTRLEN", "len:h", "zz"));
        Assert.Equal(":0", c.Execute("HSTRLEN", "len:missing", "f"));
        Assert.Equal(":1", c.Execute("HEXISTS", "len:h", "f"));
        Assert.Equal(":0", c.Execute("HEXISTS", "len:h", "zz"));
        Assert.Equal(":0", c.Execute("HEXISTS", "len:missing", "f"));
    }

    [Fact]
    public void HKeysHValsHGetAllKeepInsertionOrderInListpack()
    {
        using RawClient c = _server.Raw();
        c.Execute("HSET", "all:h", "z", "1", "a", "2", "m", "3");
        c.Execute("HDEL", "all:h", "a");
        c.Execute("HSET", "all:h", "b", "4", "z", "5");
        Assert.Equal("[z, m, b]", c.Execute("HKEYS", "all:h"));
        Assert.Equal("[5, 3, 4]", c.Execute("HVALS", "all:h"));
        Assert.Equal("[z, 5, m, 3, b, 4]", c.Execute("HGETALL", "all:h"));
        Assert.Equal("[]", c.Execute("HGETALL", "all:missing"));
        Assert.Equal("[]", c.Execute("HKEYS", "all:missing"));
        Assert.Equal("[]", c.Execute("HVALS", "all:missing"));
    }

    [Fact]
    public void HGetAllIsAMapInResp3()
    {
        using RawClient c = _server.Raw();
        c.Execute("HSET", "r3:h", "a", "1", "b", "2");
        c.Execute("HELLO", "3");
        Assert.Equal("{a: 1, b: 2}", c.Execute("HGETALL", "r3:h"));
        Assert.Equal("{}", c.Execute("HGETALL", "r3:missing"));
        Assert.Equal("(nil)", c.Execute("HGET", "r3:h", "zz"));
        Assert.Equal("[[a, 1], [b, 2]]", c.Execute("HRANDFIELD", "r3:h", "5", "WITHVALUES"));
        Assert.Equal("[[a, 1], [a, 1], [a, 1]]", ReplaceB(c.Execute("HRANDFIELD", "r3:h", "-3", "WITHVALUES")));
    }

    private static string ReplaceB(string reply) => reply.Replace("[b, 2]", "[a, 1]", StringComparison.Ordinal);

    [Fact]
    public void HIncrByAddsAndValidates()
    {
        using RawClient c = _server.Raw();
        Assert.Equal(":5", c.Execute("HINCRBY", "inc:h", "n", "5"));
        Assert.Equal(":-5", c.Execute("HINCRBY", "inc:h", "n", "-10"));
        c.Execute("HSET", "inc:h", "s", "abc", "big", "9223372036854775800", "sp", " 1");
        Assert.Equal("-ERR hash value is not an integer", c.Execute("HINCRBY", "inc:h", "s", "1"));
        Assert.Equal("-ERR hash value is not an integer", c.Execute("HINCRBY", "inc:h", "sp", "1"));
        Assert.Equal("-ERR increment or decrement would overflow", c.Execute("HINCRBY", "inc:h", "big", "10"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("HINCRBY", "inc:h", "n", "1.5"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("HINCRBY", "inc:missing", "n", "x"));
        Assert.Null(StoreInspection.EncodingOf(_server, "inc:missing"));
        Assert.Equal("-5", c.Execute("HGET", "inc:h", "n"));
    }

    [Fact]
    public void HIncrByFloatAddsAndValidates()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("10.5", c.Execute("HINCRBYFLOAT", "fl:h", "f", "10.5"));
        Assert.Equal("10.6", c.Execute("HINCRBYFLOAT", "fl:h", "f", "0.1"));
        Assert.Equal("5", c.Execute("HINCRBYFLOAT", "fl:h", "f", "-5.6"));
        Assert.Equal("5", c.Execute("HGET", "fl:h", "f"));
        Assert.Equal("5000", c.Execute("HINCRBYFLOAT", "fl:h", "g", "5.0e3"));
        c.Execute("HSET", "fl:h", "s", "abc", "inf", "inf");
        Assert.Equal("-ERR hash value is not a float", c.Execute("HINCRBYFLOAT", "fl:h", "s", "1"));
        Assert.Equal("-ERR value is not a valid float", c.Execute("HINCRBYFLOAT", "fl:h", "f", "x"));
        Assert.Equal("-ERR value is NaN or Infinity", c.Execute("HINCRBYFLOAT", "fl:h", "f", "inf"));
        Assert.Equal("-ERR increment would produce NaN or Infinity", c.Execute("HINCRBYFLOAT", "fl:h", "inf", "1"));
    }

    [Fact]
    public void HIncrByFloatComputesInLongDoubleAsRedisDoes()
    {
        // Redis adds long doubles and prints %.17Lf trimmed: a double would say 3.3000000000000003 and 9223372036854775808.
        using RawClient c = _server.Raw();
        Assert.Equal("1.1", c.Execute("HINCRBYFLOAT", "ld:h", "f", "1.1"));
        Assert.Equal("3.3", c.Execute("HINCRBYFLOAT", "ld:h", "f", "2.2"));
        Assert.Equal("9223372036854775807", c.Execute("HINCRBYFLOAT", "ld:h", "big", "9223372036854775807"));
        Assert.Equal("100000000000000000", c.Execute("HINCRBYFLOAT", "ld:h", "mixed", "1e17"));
        Assert.Equal("100000000000000000.296875", c.Execute("HINCRBYFLOAT", "ld:h", "mixed", "0.3"));
    }

    [Fact]
    public void HashCommandsAgainstAListReplyWrongType()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "wt:l", "x");
        string[][] commands =
        [
            ["HSET", "wt:l", "f", "v"], ["HMSET", "wt:l", "f", "v"], ["HSETNX", "wt:l", "f", "v"], ["HGET", "wt:l", "f"],
            ["HMGET", "wt:l", "f"], ["HDEL", "wt:l", "f"], ["HLEN", "wt:l"], ["HSTRLEN", "wt:l", "f"], ["HEXISTS", "wt:l", "f"],
            ["HKEYS", "wt:l"], ["HVALS", "wt:l"], ["HGETALL", "wt:l"], ["HINCRBY", "wt:l", "f", "1"],
            ["HINCRBYFLOAT", "wt:l", "f", "1"], ["HRANDFIELD", "wt:l"], ["HRANDFIELD", "wt:l", "2"], ["HSCAN", "wt:l", "0"],
        ];
        foreach (string[] command in commands)
        {
            Assert.Equal(WrongType, c.Execute(command));
        }
        StoreInspection.SetString(_server, "wt:s", "v");
        Assert.Equal(WrongType, c.Execute("HGET", "wt:s", "f"));
    }

    [Fact]
    public void HRandFieldWithoutCountReturnsOneFieldOrNil()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("(nil)", c.Execute("HRANDFIELD", "rf:missing"));
        c.Execute("HSET", "rf:h", "a", "1", "b", "2", "c", "3");
        for (int i = 0; i < 20; i++)
        {
            Assert.Contains(c.Execute("HRANDFIELD", "rf:h"), new[] { "a", "b", "c" });
        }
    }

    [Fact]
    public void HRandFieldWithCountFollowsRedisCases()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("[]", c.Execute("HRANDFIELD", "rfc:missing", "3"));
        Assert.Equal("[]", c.Execute("HRANDFIELD", "rfc:missing", "-3", "WITHVALUES"));
        c.Execute("HSET", "rfc:h", "a", "1", "b", "2", "c", "3");
        Assert.Equal("[]", c.Execute("HRANDFIELD", "rfc:h", "0"));
        Assert.Equal("[a, b, c]", c.Execute("HRANDFIELD", "rfc:h", "3"));
        Assert.Equal("[a, 1, b, 2, c, 3]", c.Execute("HRANDFIELD", "rfc:h", "10", "WITHVALUES"));
        string unique = c.Execute("HRANDFIELD", "rfc:h", "2");
        string[] picked = unique.Trim('[', ']').Split(", ");
        Assert.Equal(2, picked.Distinct().Count());
        string repeats = c.Execute("HRANDFIELD", "rfc:h", "-20");
        Assert.Equal(20, repeats.Trim('[', ']').Split(", ").Length);
        string pairs = c.Execute("HRANDFIELD", "rfc:h", "-5", "WITHVALUES");
        string[] flat = pairs.Trim('[', ']').Split(", ");
        Assert.Equal(10, flat.Length);
        for (int i = 0; i < flat.Length; i += 2)
        {
            Assert.Equal(((char)(flat[i][0] - 'a' + '1')).ToString(), flat[i + 1]);
        }
    }

    [Fact]
    public void HRandFieldArgumentErrors()
    {
        using RawClient c = _server.Raw();
        c.Execute("HSET", "rfe:h", "a", "1");
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("HRANDFIELD", "rfe:h", "x"));
        Assert.Equal("-ERR syntax error", c.Execute("HRANDFIELD", "rfe:h", "1", "WITHSCORES"));
        Assert.Equal("-ERR syntax error", c.Execute("HRANDFIELD", "rfe:h", "1", "WITHVALUES", "x"));
        Assert.Equal("-ERR value is out of range", c.Execute("HRANDFIELD", "rfe:h", "-9223372036854775807", "WITHVALUES"));
        Assert.Equal("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            c.Execute("HRANDFIELD", "rfe:h", "-9223372036854775808"));
    }

    [Fact]
    public void HScanOfAListpackHashReturnsEverythingWithCursorZero()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("[0, []]", c.Execute("HSCAN", "scan:missing", "0"));
        Assert.Equal("[0, []]", c.Execute("HSCAN", "scan:missing", "0", "BADOPTION"));
        c.Execute("HSET", "scan:h", "f1", "1", "f2", "2", "g1", "3");
        Assert.Equal("[0, [f1, 1, f2, 2, g1, 3]]", c.Execute("HSCAN", "scan:h", "0", "COUNT", "1"));
        Assert.Equal("[0, [f1, 1, f2, 2]]", c.Execute("HSCAN", "scan:h", "0", "MATCH", "f*"));
        Assert.Equal("[0, [f1, 1, f2, 2, g1, 3]]", c.Execute("HSCAN", "scan:h", "0", "MATCH", "*"));
    }

    [Fact]
    public void HScanArgumentErrors()
    {
        using RawClient c = _server.Raw();
        c.Execute("HSET", "scane:h", "a", "1");
        Assert.Equal("-ERR invalid cursor", c.Execute("HSCAN", "scane:h", "abc"));
        Assert.Equal("-ERR invalid cursor", c.Execute("HSCAN", "scane:missing", " 1"));
        Assert.Equal("-ERR syntax error", c.Execute("HSCAN", "scane:h", "0", "COUNT", "0"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("HSCAN", "scane:h", "0", "COUNT", "x"));
        Assert.Equal("-ERR syntax error", c.Execute("HSCAN", "scane:h", "0", "MATCH"));
        Assert.Equal("-ERR syntax error", c.Execute("HSCAN", "scane:h", "0", "NOVALUES"));
    }

    [Fact]
    public void HScanOfAHashtableVisitsEveryFieldExactlyOnce()
    {
        IDatabase db = _server.Database();
        HashEntry[] entries = Enumerable.Range(0, 500).Select(i => new HashEntry("field:" + i, "v" + i)).ToArray();
        db.HashSet("scanbig:h", entries);
        Assert.Equal("hashtable", StoreInspection.EncodingOf(_server, "scanbig:h"));
        var seen = new Dictionary<string, string>();
        long cursor = 0;
        int calls = 0;
        do
        {
            var reply = (RedisResult[])db.Execute("HSCAN", "scanbig:h", cursor.ToString(), "COUNT", "37")!;
            cursor = long.Parse((string)reply[0]!);
            var items = (RedisResult[])reply[1]!;
            Assert.True(items.Length <= 2 * 37);
            for (int i = 0; i < items.Length; i += 2)
            {
                Assert.True(seen.TryAdd((string)items[i]!, (string)items[i + 1]!), "field returned twice");
            }
            calls++;
        }
        while (cursor != 0 && calls < 1000);
        Assert.Equal(500, seen.Count);
        Assert.True(calls > 1);
        Assert.Equal(111, db.HashScan("scanbig:h", "field:1*", 50).Count());
    }

    [Fact]
    public void HashConvertsToHashtablePastEntryAndValueLimits()
    {
        using RawClient c = _server.Raw();
        for (int i = 0; i < 128; i++)
        {
            c.Execute("HSET", "enc:h", "f" + i, "v");
        }
        Assert.Equal("listpack", StoreInspection.EncodingOf(_server, "enc:h"));
        c.Execute("HSET", "enc:h", "f0", "updated");
        Assert.Equal("listpack", StoreInspection.EncodingOf(_server, "enc:h"));
        c.Execute("HSET", "enc:h", "f128", "v");
        Assert.Equal("hashtable", StoreInspection.EncodingOf(_server, "enc:h"));
        c.Execute("HDEL", "enc:h", "f1", "f2", "f3");
        Assert.Equal("hashtable", StoreInspection.EncodingOf(_server, "enc:h"));

        c.Execute("HSET", "encv:h", "f", new string('x', 64));
        Assert.Equal("listpack", StoreInspection.EncodingOf(_server, "encv:h"));
        c.Execute("HSET", "encv:h", "g", new string('x', 65));
        Assert.Equal("hashtable", StoreInspection.EncodingOf(_server, "encv:h"));
        c.Execute("HSET", "encf:h", new string('k', 65), "v");
        Assert.Equal("hashtable", StoreInspection.EncodingOf(_server, "encf:h"));
        c.Execute("HSET", "enci:h", "n", "1");
        c.Execute("HINCRBYFLOAT", "enci:h", "n", "0.1");
        Assert.Equal("listpack", StoreInspection.EncodingOf(_server, "enci:h"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
    }

    [Fact]
    public void StackExchangeRedisSeesHashReplies()
    {
        IDatabase db = _server.Database();
        db.HashSet("se:h", [new HashEntry("a", "1"), new HashEntry("b", "2")]);
        Assert.Equal("1", db.HashGet("se:h", "a"));
        Assert.True(db.HashExists("se:h", "b"));
        Assert.Equal(2, db.HashLength("se:h"));
        Assert.Equal(12, db.HashIncrement("se:h", "a", 11));
        Assert.Equal(2.5, db.HashIncrement("se:h", "c", 2.5));
        Assert.Equal(["a", "b", "c"], db.HashKeys("se:h").Select(k => k.ToString()).ToArray());
        Assert.Equal(3, db.HashGetAll("se:h").Length);
        Assert.True(db.HashDelete("se:h", "a"));
        Assert.False(db.HashSet("se:h", "b", "3", When.NotExists));
        Assert.Equal(2, db.HashRandomFieldsWithValues("se:h", 5).Length);
    }

    [Fact]
    public void HashWritesBreakWatchButNoOpWritesDoNot()
    {
        using RawClient watcher = _server.Raw();
        using RawClient other = _server.Raw();
        other.Execute("HSET", "watch:h", "f", "1");
        watcher.Execute("WATCH", "watch:h");
        other.Execute("HDEL", "watch:h", "absent");
        other.Execute("HSETNX", "watch:h", "f", "2");
        watcher.Execute("MULTI");
        watcher.Execute("HGET", "watch:h", "f");
        Assert.Equal("[1]", watcher.Execute("EXEC"));

        watcher.Execute("WATCH", "watch:h");
        other.Execute("HINCRBY", "watch:h", "f", "1");
        watcher.Execute("MULTI");
        watcher.Execute("HGET", "watch:h", "f");
        Assert.Equal("(nil array)", watcher.Execute("EXEC"));
    }
}
