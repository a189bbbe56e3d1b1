using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Sets;

namespace Cairn.Server.Tests.SortedSets;

public sealed class SortedSetCommandsTests : IClassFixture<SortedSetCommandsTests.Fixture>
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";

    private readonly TestServer _server;

    public SortedSetCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void ZaddCountsAddedMembersAndChCountsChangedOnes()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":2", client.Execute("ZADD", "z:add", "1", "a", "2", "b"));
        Assert.Equal(":0", client.Execute("ZADD", "z:add", "3", "a"));
        Assert.Equal(":2", client.Execute("ZADD", "z:add", "CH", "4", "a", "5", "c", "2", "b"));
        Assert.Equal("[b, 2, a, 4, c, 5]", client.Execute("ZRANGE", "z:add", "0", "-1", "WITHSCORES"));
        // A repeated member: the last score wins.
        Assert.Equal(":1", client.Execute("ZADD", "z:add", "9", "d", "1", "d"));
        Assert.Equal("1", client.Execute("ZSCORE", "z:add", "d"));
    }

    [Fact]
    public void ZaddNxXxGtLtFollowRedis()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "z:flags", "10", "a");
        Assert.Equal(":1", client.Execute("ZADD", "z:flags", "NX", "20", "a", "1", "b"));
        Assert.Equal("10", client.Execute("ZSCORE", "z:flags", "a"));
        Assert.Equal(":0", client.Execute("ZADD", "z:flags", "XX", "20", "a", "1", "c"));
        Assert.Equal("20", client.Execute("ZSCORE", "z:flags", "a"));
        Assert.Equal("(nil)", client.Execute("ZSCORE", "z:flags", "c"));
        Assert.Equal(":0", client.Execute("ZADD", "z:flags", "GT", "CH", "5", "a"));
        Assert.Equal(":1", client.Execute("ZADD", "z:flags", "GT", "CH", "25", "a"));
        Assert.Equal(":0", client.Execute("ZADD", "z:flags", "LT", "CH", "30", "a"));
        Assert.Equal(":1", client.Execute("ZADD", "z:flags", "lt", "ch", "7", "a"));
        Assert.Equal(":1", client.Execute("ZADD", "z:flags", "GT", "3", "new"));
        Assert.Equal(":0", client.Execute("ZADD", "z:flags-missing", "XX", "1", "a"));
        Assert.False(KeyspaceProbe.Exists(_server, "z:flags-missing"));
    }

    [Fact]
    public void ZaddOptionConflictsAndBadArgumentsGetRedisErrors()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR XX and NX options at the same time are not compatible", client.Execute("ZADD", "z:err", "NX", "XX", "1", "a"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible", client.Execute("ZADD", "z:err", "GT", "LT", "1", "a"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible", client.Execute("ZADD", "z:err", "NX", "GT", "1", "a"));
        Assert.Equal("-ERR INCR option supports a single increment-element pair", client.Execute("ZADD", "z:err", "INCR", "1", "a", "2", "b"));
        Assert.Equal("-ERR syntax error", client.Execute("ZADD", "z:err", "1", "a", "2"));
        Assert.Equal("-ERR syntax error", client.Execute("ZADD", "z:err", "NX", "CH", "1"));
        Assert.Equal("-ERR value is not a valid float", client.Execute("ZADD", "z:err", "x", "a"));
        Assert.Equal("-ERR value is not a valid float", client.Execute("ZADD", "z:err", "1", "a", "nan", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'zadd' command", client.Execute("ZADD", "z:err", "1"));
        Assert.False(KeyspaceProbe.Exists(_server, "z:err"));
    }

    [Fact]
    public void ZaddIncrAndZincrbyReplyTheNewScore()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("1.1000000000000001", client.Execute("ZINCRBY", "z:incr", "1.1", "m"));
        Assert.Equal("3.6000000000000001", client.Execute("ZADD", "z:incr", "INCR", "2.5", "m"));
        Assert.Equal("(nil)", client.Execute("ZADD", "z:incr", "NX", "INCR", "1", "m"));
        Assert.Equal("(nil)", client.Execute("ZADD", "z:incr", "XX", "INCR", "1", "other"));
        Assert.Equal("(nil)", client.Execute("ZADD", "z:incr", "GT", "INCR", "-1", "m"));
        Assert.Equal("-ERR value is not a valid float", client.Execute("ZINCRBY", "z:incr", "x", "m"));
        Assert.Equal("-ERR syntax error", client.Execute("ZINCRBY", "z:incr", "nx", "m"));
    }

    [Fact]
    public void IncrementsThatWouldMakeNaNAreRefused()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "z:nan", "+inf", "m");
        Assert.Equal("-ERR resulting score is not a number (NaN)", client.Execute("ZINCRBY", "z:nan", "-inf", "m"));
        Assert.Equal("-ERR resulting score is not a number (NaN)", client.Execute("ZADD", "z:nan", "INCR", "-inf", "m"));
        Assert.Equal("inf", client.Execute("ZSCORE", "z:nan", "m"));
        client.Execute("ZADD", "z:nan", "-inf", "n");
        Assert.Equal("-inf", client.Execute("ZSCORE", "z:nan", "n"));
    }

    [Fact]
    public void ScoresAreFormattedAsRedis70()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "z:fmt", "0.1", "a", "1e20", "b", "-0", "c", "123456789", "d", "1.5e-7", "e");
        Assert.Equal("0.10000000000000001", client.Execute("ZSCORE", "z:fmt", "a"));
        Assert.Equal("1e+20", client.Execute("ZSCORE", "z:fmt", "b"));
        Assert.Equal("123456789", client.Execute("ZSCORE", "z:fmt", "d"));
        Assert.Equal("1.4999999999999999e-07", client.Execute("ZSCORE", "z:fmt", "e"));
        Assert.Equal("[0.10000000000000001, (nil), 123456789]", client.Execute("ZMSCORE", "z:fmt", "a", "zz", "d"));
        client.Execute("ZADD", "z:fmt", "1e16", "big", "1e17", "bigger", "0.0001", "small", "1e-5", "smaller");
        Assert.Equal("10000000000000000", client.Execute("ZSCORE", "z:fmt", "big"));
        Assert.Equal("1e+17", client.Execute("ZSCORE", "z:fmt", "bigger"));
        Assert.Equal("0.0001", client.Execute("ZSCORE", "z:fmt", "small"));
        Assert.Equal("1.0000000000000001e-05", client.Execute("ZSCORE", "z:fmt", "smaller"));
        Assert.Equal("[(nil), (nil)]", client.Execute("ZMSCORE", "z:fmt-missing", "a", "b"));
    }

    [Fact]
    public void Resp3RepliesScoresAsDoubles()
    {
        using RawClient client = _server.Raw();
        client.Execute("HELLO", "3");
        client.Execute("ZADD", "z:resp3", "1.5", "a", "2", "b");
        Assert.Equal(",1.5", client.Execute("ZSCORE", "z:resp3", "a"));
        Assert.Equal("[[a, ,1.5], [b, ,2]]", client.Execute("ZRANGE", "z:resp3", "0", "-1", "WITHSCORES"));
        Assert.Equal(",3.5", client.Execute("ZINCRBY", "z:resp3", "2", "a"));
        Assert.Equal("[:0, ,2]", client.Execute("ZRANK", "z:resp3", "b", "WITHSCORE"));
        Assert.Equal("(nil)", client.Execute("ZSCORE", "z:resp3", "zz"));
    }

    [Fact]
    public void ZremRemovesMembersAndTheEmptyKey()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "z:rem", "1", "a", "2", "b", "3", "c");
        Assert.Equal(":2", client.Execute("ZREM", "z:rem", "a", "c", "nope", "a"));
        Assert.Equal(":1", client.Execute("ZCARD", "z:rem"));
        Assert.Equal(":1", client.Execute("ZREM", "z:rem", "b"));
        Assert.False(KeyspaceProbe.Exists(_server, "z:rem"));
        Assert.Equal(":0", client.Execute("ZREM", "z:rem", "b"));
        Assert.Equal(":0", client.Execute("ZCARD", "z:rem"));
    }

    [Fact]
    public void ZrankAndZrevrankWithAndWithoutScore()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "z:rank", "1", "a", "2", "b", "3", "c");
        Assert.Equal(":0", client.Execute("ZRANK", "z:rank", "a"));
        Assert.Equal(":2", client.Execute("ZREVRANK", "z:rank", "a"));
        Assert.Equal(":1", client.Execute("ZRANK", "z:rank", "b"));
        Assert.Equal("(nil)", client.Execute("ZRANK", "z:rank", "zz"));
        Assert.Equal("[:2, 3]", client.Execute("ZRANK", "z:rank", "c", "WITHSCORE"));
        Assert.Equal("[:0, 3]", client.Execute("ZREVRANK", "z:rank", "c", "withscore"));
        Assert.Equal("(nil array)", client.Execute("ZRANK", "z:rank", "zz", "WITHSCORE"));
        Assert.Equal("(nil array)", client.Execute("ZREVRANK", "z:rank-missing", "a", "WITHSCORE"));
        Assert.Equal("(nil)", client.Execute("ZRANK", "z:rank-missing", "a"));
        Assert.Equal("-ERR syntax error", client.Execute("ZRANK", "z:rank", "a", "WITHSCORES"));
        Assert.Equal("-ERR syntax error", client.Execute("ZRANK", "z:rank", "a", "WITHSCORE", "x"));
    }

    [Fact]
    public void ZcountParsesRedisScoreRanges()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "z:count", "1", "a", "2", "b", "3", "c");
        Assert.Equal(":3", client.Execute("ZCOUNT", "z:count", "-inf", "+inf"));
        Assert.Equal(":2", client.Execute("ZCOUNT", "z:count", "(1", "3"));
        Assert.Equal(":1", client.Execute("ZCOUNT", "z:count", "(1", "(3"));
        Assert.Equal(":0", client.Execute("ZCOUNT", "z:count", "3", "1"));
        Assert.Equal(":0", client.Execute("ZCOUNT", "z:count", "(2", "(2"));
        Assert.Equal(":1", client.Execute("ZCOUNT", "z:count", "2", "2"));
        // strtod accepts an empty text as 0, as Redis does.
        Assert.Equal(":2", client.Execute("ZCOUNT", "z:count", "", "2"));
        Assert.Equal("-ERR min or max is not a float", client.Execute("ZCOUNT", "z:count", "a", "2"));
        Assert.Equal("-ERR min or max is not a float", client.Execute("ZCOUNT", "z:count", "1", "(nan"));
        Assert.Equal("-ERR min or max is not a float", client.Execute("ZCOUNT", "z:count", "1 ", "2"));
        Assert.Equal(":0", client.Execute("ZCOUNT", "z:count-missing", "-inf", "+inf"));
    }

    [Fact]
    public void ZlexcountParsesRedisLexRanges()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "z:lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
        Assert.Equal(":5", client.Execute("ZLEXCOUNT", "z:lex", "-", "+"));
        Assert.Equal(":2", client.Execute("ZLEXCOUNT", "z:lex", "[b", "(d"));
        Assert.Equal(":0", client.Execute("ZLEXCOUNT", "z:lex", "(a", "[a"));
        Assert.Equal(":0", client.Execute("ZLEXCOUNT", "z:lex", "+", "-"));
        Assert.Equal(":4", client.Execute("ZLEXCOUNT", "z:lex", "[", "(e"));
        Assert.Equal("-ERR min or max not valid string range item", client.Execute("ZLEXCOUNT", "z:lex", "b", "[d"));
        Assert.Equal("-ERR min or max not valid string range item", client.Execute("ZLEXCOUNT", "z:lex", "-a", "+"));
        Assert.Equal("-ERR min or max not valid string range item", client.Execute("ZLEXCOUNT", "z:lex", "", "+"));
    }

    [Fact]
    public void WrongTypeIsReportedBySortedSetCommands()
    {
        KeyspaceProbe.SetString(_server, "z:string");
        using RawClient client = _server.Raw();
        Assert.Equal(WrongType, client.Execute("ZADD", "z:string", "1", "a"));
        Assert.Equal(WrongType, client.Execute("ZINCRBY", "z:string", "1", "a"));
        Assert.Equal(WrongType, client.Execute("ZREM", "z:string", "a"));
        Assert.Equal(WrongType, client.Execute("ZCARD", "z:string"));
        Assert.Equal(WrongType, client.Execute("ZSCORE", "z:string", "a"));
        Assert.Equal(WrongType, client.Execute("ZMSCORE", "z:string", "a"));
        Assert.Equal(WrongType, client.Execute("ZRANK", "z:string", "a"));
        Assert.Equal(WrongType, client.Execute("ZCOUNT", "z:string", "0", "1"));
        Assert.Equal(WrongType, client.Execute("ZLEXCOUNT", "z:string", "-", "+"));
        Assert.Equal(WrongType, client.Execute("ZRANGE", "z:string", "0", "1"));
        Assert.Equal(WrongType, client.Execute("ZRANGESTORE", "z:dst", "z:string", "0", "1"));
        Assert.Equal(WrongType, client.Execute("ZREMRANGEBYRANK", "z:string", "0", "1"));
        Assert.Equal(WrongType, client.Execute("ZPOPMIN", "z:string"));
        Assert.Equal(WrongType, client.Execute("ZMPOP", "1", "z:string", "MIN"));
        Assert.Equal(WrongType, client.Execute("BZPOPMIN", "z:string", "0"));
        Assert.Equal(WrongType, client.Execute("ZRANDMEMBER", "z:string"));
        Assert.Equal(WrongType, client.Execute("ZUNION", "2", "z:none", "z:string"));
        Assert.Equal(WrongType, client.Execute("ZSCAN", "z:string", "0"));
    }

    [Fact]
    public void StackExchangeRedisRoundTrip()
    {
        StackExchange.Redis.IDatabase db = _server.Database();
        Assert.True(db.SortedSetAdd("z:se", "a", 1.5));
        Assert.Equal(2, db.SortedSetAdd("z:se", [new("b", 2), new("c", -1)]));
        Assert.Equal(1.5, db.SortedSetScore("z:se", "a"));
        Assert.Equal(2, db.SortedSetRank("z:se", "b"));
        Assert.Equal(["c", "a", "b"], db.SortedSetRangeByRank("z:se").Select(v => (string)v!));
        Assert.Equal(4.5, db.SortedSetIncrement("z:se", "a", 3));
        Assert.Equal(2, db.SortedSetLength("z:se", 0, 10));
    }
}
