using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Sets;

namespace Cairn.Server.Tests.SortedSets;

public sealed class SortedSetAlgebraTests : IClassFixture<SortedSetAlgebraTests.Fixture>
{
    private readonly TestServer _server;

    public SortedSetAlgebraTests(Fixture fixture)
    {
        _server = fixture.Server;
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "g:z1", "1", "a", "2", "b", "3", "c");
        client.Execute("ZADD", "g:z2", "10", "b", "20", "c", "30", "d");
        client.Execute("SADD", "g:set", "c", "d", "x");
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void ZunionSumsScoresByDefault()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[a, 1, b, 12, c, 23, d, 30]", client.Execute("ZUNION", "2", "g:z1", "g:z2", "WITHSCORES"));
        Assert.Equal("[a, b, c, d]", client.Execute("ZUNION", "3", "g:z1", "g:z2", "g:missing"));
        Assert.Equal("[a, 1, b, 10, c, 20, d, 30]", client.Execute("ZUNION", "2", "g:z1", "g:z2", "AGGREGATE", "MAX", "WITHSCORES"));
    }

    [Fact]
    public void ZinterAppliesWeightsAndAggregates()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[b, c]", client.Execute("ZINTER", "2", "g:z1", "g:z2"));
        Assert.Equal("[b, 12, c, 23]", client.Execute("ZINTER", "2", "g:z1", "g:z2", "WITHSCORES"));
        Assert.Equal("[b, 2, c, 3]", client.Execute("ZINTER", "2", "g:z1", "g:z2", "AGGREGATE", "MIN", "WITHSCORES"));
        Assert.Equal("[b, 14, c, 26]", client.Execute("ZINTER", "2", "g:z1", "g:z2", "WEIGHTS", "2", "1", "WITHSCORES"));
        Assert.Equal("[]", client.Execute("ZINTER", "2", "g:z1", "g:missing"));
        Assert.Equal("[a, 2, b, 4, c, 6]", client.Execute("ZINTER", "2", "g:z1", "g:z1", "WITHSCORES"));
    }

    [Fact]
    public void ZdiffKeepsTheFirstSetsScores()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[a, 1]", client.Execute("ZDIFF", "2", "g:z1", "g:z2", "WITHSCORES"));
        Assert.Equal("[a, b, c]", client.Execute("ZDIFF", "2", "g:z1", "g:missing"));
        Assert.Equal("[]", client.Execute("ZDIFF", "2", "g:z1", "g:z1"));
        Assert.Equal("[]", client.Execute("ZDIFF", "1", "g:missing"));
    }

    [Fact]
    public void PlainSetsCountAsScoreOne()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[a, 1, d, 1, x, 1, b, 2, c, 4]", client.Execute("ZUNION", "2", "g:z1", "g:set", "WITHSCORES"));
        Assert.Equal("[c, 2]", client.Execute("ZINTER", "2", "g:set", "g:z1", "WEIGHTS", "0.5", "0.5", "WITHSCORES"));
        Assert.Equal("[d, x]", client.Execute("ZDIFF", "2", "g:set", "g:z1"));
    }

    [Fact]
    public void InfinitiesThatCancelSumToZero()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "g:inf1", "+inf", "m");
        client.Execute("ZADD", "g:inf2", "-inf", "m");
        Assert.Equal("[m, 0]", client.Execute("ZUNION", "2", "g:inf1", "g:inf2", "WITHSCORES"));
        Assert.Equal("[m, 0]", client.Execute("ZINTER", "2", "g:inf1", "g:inf1", "WEIGHTS", "1", "-1", "WITHSCORES"));
        Assert.Equal("[m, 0]", client.Execute("ZUNION", "1", "g:inf1", "WEIGHTS", "0", "WITHSCORES"));
    }

    [Fact]
    public void StoreVariantsWriteTheResultOrDeleteTheDestination()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":4", client.Execute("ZUNIONSTORE", "g:dst", "2", "g:z1", "g:z2"));
        Assert.Equal("[a, 1, b, 12, c, 23, d, 30]", client.Execute("ZRANGE", "g:dst", "0", "-1", "WITHSCORES"));
        Assert.Equal(":2", client.Execute("ZINTERSTORE", "g:dst", "2", "g:z1", "g:z2", "WEIGHTS", "1", "0"));
        Assert.Equal("[b, 2, c, 3]", client.Execute("ZRANGE", "g:dst", "0", "-1", "WITHSCORES"));
        Assert.Equal(":1", client.Execute("ZDIFFSTORE", "g:dst", "2", "g:z1", "g:z2"));
        Assert.Equal(":0", client.Execute("ZINTERSTORE", "g:dst", "2", "g:z1", "g:missing"));
        Assert.False(KeyspaceProbe.Exists(_server, "g:dst"));
    }

    [Fact]
    public void ZintercardCountsWithLimit()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":2", client.Execute("ZINTERCARD", "2", "g:z1", "g:z2"));
        Assert.Equal(":1", client.Execute("ZINTERCARD", "2", "g:z1", "g:z2", "LIMIT", "1"));
        Assert.Equal(":2", client.Execute("ZINTERCARD", "2", "g:z1", "g:z2", "LIMIT", "0"));
        Assert.Equal(":1", client.Execute("ZINTERCARD", "2", "g:z1", "g:set"));
        Assert.Equal("-ERR at least 1 input key is needed for 'zintercard' command", client.Execute("ZINTERCARD", "0", "g:z1"));
        Assert.Equal("-ERR LIMIT can't be negative", client.Execute("ZINTERCARD", "2", "g:z1", "g:z2", "LIMIT", "-1"));
        Assert.Equal("-ERR syntax error", client.Execute("ZINTERCARD", "3", "g:z1", "g:z2"));
        Assert.Equal("-ERR syntax error", client.Execute("ZINTERCARD", "2", "g:z1", "g:z2", "WITHSCORES"));
    }

    [Fact]
    public void ArgumentErrorsMatchRedis()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR at least 1 input key is needed for 'zunionstore' command", client.Execute("ZUNIONSTORE", "g:d", "0", "g:z1"));
        Assert.Equal("-ERR at least 1 input key is needed for 'zunion' command", client.Execute("ZUNION", "-1", "g:z1"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("ZUNION", "x", "g:z1"));
        Assert.Equal("-ERR syntax error", client.Execute("ZUNION", "3", "g:z1", "g:z2"));
        Assert.Equal("-ERR weight value is not a float", client.Execute("ZUNION", "2", "g:z1", "g:z2", "WEIGHTS", "1", "x"));
        Assert.Equal("-ERR syntax error", client.Execute("ZUNION", "2", "g:z1", "g:z2", "WEIGHTS", "1"));
        Assert.Equal("-ERR syntax error", client.Execute("ZUNION", "2", "g:z1", "g:z2", "AGGREGATE", "avg"));
        Assert.Equal("-ERR syntax error", client.Execute("ZDIFF", "2", "g:z1", "g:z2", "WEIGHTS", "1", "2"));
        Assert.Equal("-ERR syntax error", client.Execute("ZUNIONSTORE", "g:d", "2", "g:z1", "g:z2", "WITHSCORES"));
        Assert.Equal("-ERR wrong number of arguments for 'zunionstore' command", client.Execute("ZUNIONSTORE", "g:d", "1"));
    }
}
