using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Sets;

namespace Cairn.Server.Tests.SortedSets;

public sealed class SortedSetRangeTests : IClassFixture<SortedSetRangeTests.Fixture>
{
    private readonly TestServer _server;

    public SortedSetRangeTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private RawClient Seeded(string key)
    {
        RawClient client = _server.Raw();
        client.Execute("ZADD", key, "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        return client;
    }

    [Fact]
    public void ZrangeByIndexHandlesNegativeAndOutOfRangeIndices()
    {
        using RawClient client = Seeded("r:rank");
        Assert.Equal("[a, b, c, d, e]", client.Execute("ZRANGE", "r:rank", "0", "-1"));
        Assert.Equal("[b, 2, c, 3]", client.Execute("ZRANGE", "r:rank", "1", "2", "WITHSCORES"));
        Assert.Equal("[d, e]", client.Execute("ZRANGE", "r:rank", "-2", "-1"));
        Assert.Equal("[a, b, c, d, e]", client.Execute("ZRANGE", "r:rank", "-100", "100"));
        Assert.Equal("[]", client.Execute("ZRANGE", "r:rank", "3", "1"));
        Assert.Equal("[]", client.Execute("ZRANGE", "r:rank", "5", "10"));
        Assert.Equal("[e, d, c, b, a]", client.Execute("ZRANGE", "r:rank", "0", "-1", "REV"));
        Assert.Equal("[e, 5, d, 4]", client.Execute("ZREVRANGE", "r:rank", "0", "1", "WITHSCORES"));
        Assert.Equal("[a, b]", client.Execute("ZRANGE", "r:rank", "0", "1", "LIMIT", "0", "-1"));
        Assert.Equal("[]", client.Execute("ZRANGE", "r:missing", "0", "-1"));
    }

    [Fact]
    public void ZrangeByScoreWithLimitAndReverse()
    {
        using RawClient client = Seeded("r:score");
        Assert.Equal("[b, c, d]", client.Execute("ZRANGE", "r:score", "2", "4", "BYSCORE"));
        Assert.Equal("[c, d]", client.Execute("ZRANGE", "r:score", "(2", "4", "BYSCORE"));
        Assert.Equal("[d, c, b]", client.Execute("ZRANGE", "r:score", "4", "2", "BYSCORE", "REV"));
        Assert.Equal("[b, c]", client.Execute("ZRANGE", "r:score", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"));
        Assert.Equal("[b, c, d, e]", client.Execute("ZRANGE", "r:score", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"));
        Assert.Equal("[]", client.Execute("ZRANGE", "r:score", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"));
        Assert.Equal("[]", client.Execute("ZRANGE", "r:score", "-inf", "+inf", "BYSCORE", "LIMIT", "5", "2"));
        Assert.Equal("[]", client.Execute("ZRANGE", "r:score", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "0"));
        Assert.Equal("[d, c]", client.Execute("ZRANGE", "r:score", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2"));
        Assert.Equal("[b, 2, c, 3, d, 4]", client.Execute("ZRANGEBYSCORE", "r:score", "2", "4", "WITHSCORES"));
        Assert.Equal("[b]", client.Execute("ZRANGEBYSCORE", "r:score", "2", "4", "LIMIT", "0", "1"));
        Assert.Equal("[d, c, b]", client.Execute("ZREVRANGEBYSCORE", "r:score", "4", "2"));
        Assert.Equal("[]", client.Execute("ZREVRANGEBYSCORE", "r:score", "2", "4"));
        Assert.Equal("[e]", client.Execute("ZREVRANGEBYSCORE", "r:score", "+inf", "(4"));
    }

    [Fact]
    public void ZrangeByLexAndItsReverse()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "r:lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f", "0", "g");
        Assert.Equal("[a, b, c]", client.Execute("ZRANGEBYLEX", "r:lex", "-", "[c"));
        Assert.Equal("[a, b]", client.Execute("ZRANGEBYLEX", "r:lex", "-", "(c"));
        Assert.Equal("[b, c, d, e, f]", client.Execute("ZRANGEBYLEX", "r:lex", "[aaa", "(g"));
        Assert.Equal("[c, b, a]", client.Execute("ZREVRANGEBYLEX", "r:lex", "[c", "-"));
        Assert.Equal("[b]", client.Execute("ZRANGE", "r:lex", "[c", "-", "BYLEX", "REV", "LIMIT", "1", "1"));
        Assert.Equal("[]", client.Execute("ZRANGEBYLEX", "r:lex", "+", "-"));
        Assert.Equal("[f, g]", client.Execute("ZRANGEBYLEX", "r:lex", "(e", "+", "LIMIT", "0", "10"));
    }

    [Fact]
    public void LexRangesOverMembersWithDifferentScoresAnswerAsRedisDoes()
    {
        // Unspecified by Redis's documentation, but decided by zslIsInLexRange: nothing matches unless the last member (in
        // score order) is at least the minimum and the first at most the maximum. Answers from redis-server 7.0.15.
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "r:mixed", "-1", "d", "0", "1");
        Assert.Equal("[]", client.Execute("ZRANGE", "r:mixed", "[a", "+", "BYLEX"));
        Assert.Equal("[]", client.Execute("ZRANGE", "r:mixed", "-", "[c", "BYLEX"));
        Assert.Equal(":0", client.Execute("ZLEXCOUNT", "r:mixed", "[a", "+"));
        Assert.Equal(":0", client.Execute("ZREMRANGEBYLEX", "r:mixed", "(b", "+"));
        Assert.Equal("[d, 1]", client.Execute("ZRANGE", "r:mixed", "0", "-1"));
    }

    [Fact]
    public void ANegativeZeroScoreIsZeroInASmallSetAndStaysNegativeInASkiplistAsInRedis()
    {
        // Answers from redis-server 7.0.15: ZINCRBY replies with the sum it computed; what a listpack stores reads back 0.
        using RawClient client = _server.Raw();
        Assert.Equal("-0", client.Execute("ZINCRBY", "r:zero", "-0", "b"));
        Assert.Equal("0", client.Execute("ZSCORE", "r:zero", "b"));
        client.Execute("ZADD", "r:zero", "0", "a");
        Assert.Equal(":2", client.Execute("ZUNIONSTORE", "r:zero2", "1", "r:zero", "WEIGHTS", "-2"));
        Assert.Equal("[a, 0, b, 0]", client.Execute("ZRANGE", "r:zero2", "0", "-1", "WITHSCORES"));
        var args = new List<string> { "ZADD", "r:zerobig" };
        for (int i = 1; i <= 130; i++)
        {
            args.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            args.Add("m" + i);
        }
        client.Execute([.. args]);
        client.Execute("ZADD", "r:zerobig", "-0", "b");
        Assert.Equal("-0", client.Execute("ZSCORE", "r:zerobig", "b"));
    }

    [Fact]
    public void ZrangeOptionErrorsMatchRedis()
    {
        using RawClient client = Seeded("r:errors");
        Assert.Equal("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
            client.Execute("ZRANGE", "r:errors", "0", "1", "LIMIT", "0", "1"));
        Assert.Equal("-ERR syntax error, WITHSCORES not supported in combination with BYLEX",
            client.Execute("ZRANGE", "r:errors", "-", "+", "BYLEX", "WITHSCORES"));
        Assert.Equal("-ERR min or max is not a float", client.Execute("ZRANGE", "r:errors", "a", "b", "BYSCORE"));
        Assert.Equal("-ERR min or max not valid string range item", client.Execute("ZRANGE", "r:errors", "a", "b", "BYLEX"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("ZRANGE", "r:errors", "a", "b"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("ZRANGE", "r:errors", "0", "1", "BYSCORE", "LIMIT", "x", "1"));
        Assert.Equal("-ERR syntax error", client.Execute("ZREVRANGE", "r:errors", "0", "1", "REV"));
        Assert.Equal("-ERR syntax error", client.Execute("ZRANGEBYSCORE", "r:errors", "0", "1", "BYSCORE"));
        Assert.Equal("-ERR syntax error", client.Execute("ZRANGE", "r:errors", "0", "1", "FOO"));
        Assert.Equal("-ERR syntax error", client.Execute("ZRANGE", "r:errors", "0", "1", "BYSCORE", "LIMIT", "1"));
        Assert.Equal("-ERR syntax error", client.Execute("ZRANGEBYLEX", "r:errors", "-", "+", "WITHSCORES", "BYLEX"));
        Assert.Equal("-ERR wrong number of arguments for 'zrange' command", client.Execute("ZRANGE", "r:errors", "0"));
    }

    [Fact]
    public void ZrangestoreStoresTheRangeAndDeletesOnEmpty()
    {
        using RawClient client = Seeded("r:store-src");
        Assert.Equal(":2", client.Execute("ZRANGESTORE", "r:store-dst", "r:store-src", "1", "2"));
        Assert.Equal("[b, 2, c, 3]", client.Execute("ZRANGE", "r:store-dst", "0", "-1", "WITHSCORES"));
        Assert.Equal(":5", client.Execute("ZRANGESTORE", "r:store-dst", "r:store-src", "5", "1", "BYSCORE", "REV"));
        Assert.Equal(":2", client.Execute("ZRANGESTORE", "r:store-dst", "r:store-src", "(3", "+inf", "BYSCORE", "LIMIT", "0", "5"));
        Assert.Equal("[d, e]", client.Execute("ZRANGE", "r:store-dst", "0", "-1"));
        Assert.Equal(":0", client.Execute("ZRANGESTORE", "r:store-dst", "r:store-src", "10", "20"));
        Assert.False(KeyspaceProbe.Exists(_server, "r:store-dst"));
        Assert.Equal(":0", client.Execute("ZRANGESTORE", "r:store-dst", "r:store-none", "0", "-1"));
        Assert.Equal("-ERR syntax error", client.Execute("ZRANGESTORE", "r:store-dst", "r:store-src", "0", "-1", "WITHSCORES"));
    }

    [Fact]
    public void ZremrangeCommandsRemoveRangesAndEmptyKeys()
    {
        using RawClient client = Seeded("r:rem");
        Assert.Equal(":2", client.Execute("ZREMRANGEBYRANK", "r:rem", "0", "1"));
        Assert.Equal(":2", client.Execute("ZREMRANGEBYSCORE", "r:rem", "(3", "+inf"));
        Assert.Equal("[c]", client.Execute("ZRANGE", "r:rem", "0", "-1"));
        Assert.Equal(":0", client.Execute("ZREMRANGEBYRANK", "r:rem", "5", "9"));
        Assert.Equal(":1", client.Execute("ZREMRANGEBYRANK", "r:rem", "0", "-1"));
        Assert.False(KeyspaceProbe.Exists(_server, "r:rem"));
        Assert.Equal(":0", client.Execute("ZREMRANGEBYSCORE", "r:rem", "-inf", "+inf"));
        client.Execute("ZADD", "r:rem-lex", "0", "a", "0", "b", "0", "c");
        Assert.Equal(":2", client.Execute("ZREMRANGEBYLEX", "r:rem-lex", "(a", "+"));
        Assert.Equal("-ERR min or max is not a float", client.Execute("ZREMRANGEBYSCORE", "r:rem-lex", "x", "1"));
        Assert.Equal("-ERR min or max not valid string range item", client.Execute("ZREMRANGEBYLEX", "r:rem-lex", "a", "b"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("ZREMRANGEBYRANK", "r:rem-lex", "a", "1"));
    }

    [Fact]
    public void ZrandmemberCountSemanticsFollowRedis()
    {
        using RawClient client = Seeded("r:rand");
        Assert.Contains(client.Execute("ZRANDMEMBER", "r:rand"), new[] { "a", "b", "c", "d", "e" });
        // A count covering the set returns it all, highest first, as Redis's iterator walks it.
        Assert.Equal("[e, d, c, b, a]", client.Execute("ZRANDMEMBER", "r:rand", "10"));
        Assert.Equal("[e, 5, d, 4, c, 3, b, 2, a, 1]", client.Execute("ZRANDMEMBER", "r:rand", "5", "WITHSCORES"));
        Assert.Equal(7, client.Execute("ZRANDMEMBER", "r:rand", "-7").Split(", ").Length);
        Assert.Equal(3, client.Execute("ZRANDMEMBER", "r:rand", "3").Split(", ").Distinct().Count());
        Assert.Equal(8, client.Execute("ZRANDMEMBER", "r:rand", "-4", "WITHSCORES").Split(", ").Length);
        Assert.Equal("[]", client.Execute("ZRANDMEMBER", "r:rand", "0"));
        Assert.Equal("(nil)", client.Execute("ZRANDMEMBER", "r:rand-missing"));
        Assert.Equal("[]", client.Execute("ZRANDMEMBER", "r:rand-missing", "5"));
        Assert.Equal("-ERR syntax error", client.Execute("ZRANDMEMBER", "r:rand", "1", "x"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("ZRANDMEMBER", "r:rand", "x"));
        Assert.Equal("-ERR value is out of range", client.Execute("ZRANDMEMBER", "r:rand", "-9223372036854775807", "WITHSCORES"));
    }

    [Fact]
    public void ZscanReturnsMembersWithScores()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "r:scan", "1", "apple", "2.5", "avocado", "3", "banana");
        Assert.Equal("[0, [apple, 1, avocado, 2.5, banana, 3]]", client.Execute("ZSCAN", "r:scan", "0"));
        Assert.Equal("[0, [apple, 1, avocado, 2.5]]", client.Execute("ZSCAN", "r:scan", "0", "MATCH", "a*", "COUNT", "1"));
        Assert.Equal("[0, []]", client.Execute("ZSCAN", "r:scan-missing", "0"));
        Assert.Equal("-ERR invalid cursor", client.Execute("ZSCAN", "r:scan", "-x"));

        var args = new List<string> { "ZADD", "r:scan-big" };
        for (int i = 0; i < 200; i++)
        {
            args.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            args.Add("m" + i);
        }
        client.Execute(args.ToArray());
        var seen = new Dictionary<string, double>();
        foreach (StackExchange.Redis.SortedSetEntry entry in _server.Database().SortedSetScan("r:scan-big", pageSize: 13))
        {
            seen.Add(entry.Element!, entry.Score);
        }
        Assert.Equal(200, seen.Count);
        Assert.Equal(57, seen["m57"]);
    }
}
