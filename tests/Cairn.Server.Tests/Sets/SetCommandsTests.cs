using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Sets;

public sealed class SetCommandsTests : IClassFixture<SetCommandsTests.Fixture>
{
    private readonly TestServer _server;

    public SetCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void SaddCountsOnlyNewMembersAndSmembersOfAnIntsetIsSorted()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":3", client.Execute("SADD", "s:add", "3", "1", "2"));
        Assert.Equal(":1", client.Execute("SADD", "s:add", "2", "10"));
        Assert.Equal("[1, 2, 3, 10]", client.Execute("SMEMBERS", "s:add"));
        Assert.Equal(":4", client.Execute("SCARD", "s:add"));
    }

    [Fact]
    public void SmembersOfAListpackKeepsInsertionOrder()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:order", "c", "a", "b", "1");
        Assert.Equal("[c, a, b, 1]", client.Execute("SMEMBERS", "s:order"));
        client.Execute("SREM", "s:order", "a");
        Assert.Equal("[c, b, 1]", client.Execute("SMEMBERS", "s:order"));
    }

    [Fact]
    public void SremDeletesTheKeyWhenTheLastMemberGoes()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:rem", "a", "b");
        Assert.Equal(":1", client.Execute("SREM", "s:rem", "a", "zz"));
        Assert.Equal(":1", client.Execute("SREM", "s:rem", "b", "b"));
        Assert.False(KeyspaceProbe.Exists(_server, "s:rem"));
        Assert.Equal(":0", client.Execute("SREM", "s:rem", "a"));
        Assert.Equal(":0", client.Execute("SCARD", "s:rem"));
    }

    [Fact]
    public void SismemberAndSmismemberReplyIntegers()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:member", "a", "1");
        Assert.Equal(":1", client.Execute("SISMEMBER", "s:member", "a"));
        Assert.Equal(":0", client.Execute("SISMEMBER", "s:member", "b"));
        Assert.Equal(":1", client.Execute("SISMEMBER", "s:member", "1"));
        Assert.Equal("[:1, :0, :1]", client.Execute("SMISMEMBER", "s:member", "a", "b", "1"));
        Assert.Equal("[:0, :0]", client.Execute("SMISMEMBER", "s:member-missing", "a", "b"));
        Assert.Equal(":0", client.Execute("SISMEMBER", "s:member-missing", "a"));
    }

    [Fact]
    public void IntsetMembershipNeedsTheCanonicalIntegerText()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:canon", "1", "-5");
        Assert.Equal(":0", client.Execute("SISMEMBER", "s:canon", "01"));
        Assert.Equal(":0", client.Execute("SISMEMBER", "s:canon", "+1"));
        Assert.Equal(":1", client.Execute("SADD", "s:canon", "01"));
        Assert.Equal("[-5, 1, 01]", client.Execute("SMEMBERS", "s:canon"));
    }

    [Fact]
    public void WrongTypeIsReportedByEverySetCommand()
    {
        KeyspaceProbe.SetString(_server, "s:string");
        using RawClient client = _server.Raw();
        const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
        Assert.Equal(WrongType, client.Execute("SADD", "s:string", "a"));
        Assert.Equal(WrongType, client.Execute("SREM", "s:string", "a"));
        Assert.Equal(WrongType, client.Execute("SCARD", "s:string"));
        Assert.Equal(WrongType, client.Execute("SISMEMBER", "s:string", "a"));
        Assert.Equal(WrongType, client.Execute("SMISMEMBER", "s:string", "a"));
        Assert.Equal(WrongType, client.Execute("SMEMBERS", "s:string"));
        Assert.Equal(WrongType, client.Execute("SPOP", "s:string"));
        Assert.Equal(WrongType, client.Execute("SRANDMEMBER", "s:string", "2"));
        Assert.Equal(WrongType, client.Execute("SINTER", "s:nothing", "s:string"));
        Assert.Equal(WrongType, client.Execute("SUNION", "s:string"));
        Assert.Equal(WrongType, client.Execute("SDIFF", "s:nothing", "s:string"));
        Assert.Equal(WrongType, client.Execute("SINTERCARD", "2", "s:nothing", "s:string"));
        Assert.Equal(WrongType, client.Execute("SSCAN", "s:string", "0"));
    }

    [Fact]
    public void ArityErrorsUseRedisText()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR wrong number of arguments for 'sadd' command", client.Execute("SADD", "s:arity"));
        Assert.Equal("-ERR wrong number of arguments for 'smove' command", client.Execute("SMOVE", "a", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'sintercard' command", client.Execute("SINTERCARD", "1"));
    }

    [Fact]
    public void SpopWithoutCountRemovesOneMemberAndDeletesEmptySets()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:pop1", "only");
        Assert.Equal("only", client.Execute("SPOP", "s:pop1"));
        Assert.False(KeyspaceProbe.Exists(_server, "s:pop1"));
        Assert.Equal("(nil)", client.Execute("SPOP", "s:pop1"));
    }

    [Fact]
    public void SpopWithCountReturnsDistinctMembersAndValidatesCount()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:popn", "a", "b", "c", "d", "e");
        string popped = client.Execute("SPOP", "s:popn", "2");
        string[] members = popped.Trim('[', ']').Split(", ");
        Assert.Equal(2, members.Distinct().Count());
        Assert.Equal(":3", client.Execute("SCARD", "s:popn"));
        Assert.Equal("[]", client.Execute("SPOP", "s:popn", "0"));
        Assert.Equal("-ERR value is out of range, must be positive", client.Execute("SPOP", "s:popn", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive", client.Execute("SPOP", "s:popn", "x"));
        Assert.Equal("-ERR syntax error", client.Execute("SPOP", "s:popn", "1", "2"));
        Assert.Equal(3, client.Execute("SPOP", "s:popn", "10").Split(", ").Length);
        Assert.False(KeyspaceProbe.Exists(_server, "s:popn"));
        Assert.Equal("[]", client.Execute("SPOP", "s:popn", "3"));
    }

    [Fact]
    public void SrandmemberCountSemanticsFollowRedis()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:rand", "a", "b", "c");
        Assert.Contains(client.Execute("SRANDMEMBER", "s:rand"), new[] { "a", "b", "c" });
        Assert.Equal("[]", client.Execute("SRANDMEMBER", "s:rand", "0"));
        // Positive counts are distinct and capped at the set size; the whole set comes in its order.
        Assert.Equal("[a, b, c]", client.Execute("SRANDMEMBER", "s:rand", "5"));
        string two = client.Execute("SRANDMEMBER", "s:rand", "2");
        Assert.Equal(2, two.Trim('[', ']').Split(", ").Distinct().Count());
        // Negative counts repeat members as needed.
        string many = client.Execute("SRANDMEMBER", "s:rand", "-10");
        string[] draws = many.Trim('[', ']').Split(", ");
        Assert.Equal(10, draws.Length);
        Assert.All(draws, d => Assert.Contains(d, new[] { "a", "b", "c" }));
        Assert.Equal(":3", client.Execute("SCARD", "s:rand"));
        Assert.Equal("(nil)", client.Execute("SRANDMEMBER", "s:rand-missing"));
        Assert.Equal("[]", client.Execute("SRANDMEMBER", "s:rand-missing", "-3"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("SRANDMEMBER", "s:rand", "x"));
        Assert.Equal("-ERR syntax error", client.Execute("SRANDMEMBER", "s:rand", "1", "2"));
        Assert.Equal("-ERR value is out of range, must be between -9223372036854775807 and 9223372036854775807",
            client.Execute("SRANDMEMBER", "s:rand", "-9223372036854775808"));
    }

    [Fact]
    public void SmoveMovesAndCreatesTheDestination()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:mv-src", "a", "b");
        Assert.Equal(":1", client.Execute("SMOVE", "s:mv-src", "s:mv-dst", "a"));
        Assert.Equal("[b]", client.Execute("SMEMBERS", "s:mv-src"));
        Assert.Equal("[a]", client.Execute("SMEMBERS", "s:mv-dst"));
        Assert.Equal(":0", client.Execute("SMOVE", "s:mv-src", "s:mv-dst", "zz"));
        Assert.Equal(":1", client.Execute("SMOVE", "s:mv-src", "s:mv-dst", "b"));
        Assert.False(KeyspaceProbe.Exists(_server, "s:mv-src"));
        Assert.Equal(":0", client.Execute("SMOVE", "s:mv-src", "s:mv-dst", "a"));
        // Same source and destination: 1 when the member is there, nothing changes.
        Assert.Equal(":1", client.Execute("SMOVE", "s:mv-dst", "s:mv-dst", "a"));
        Assert.Equal(":0", client.Execute("SMOVE", "s:mv-dst", "s:mv-dst", "zz"));
    }

    [Fact]
    public void SmoveChecksTypesOnlyWhenTheSourceExists()
    {
        KeyspaceProbe.SetString(_server, "s:mv-string");
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("SMOVE", "s:mv-none", "s:mv-string", "a"));
        client.Execute("SADD", "s:mv-src2", "a");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", client.Execute("SMOVE", "s:mv-src2", "s:mv-string", "a"));
        Assert.Equal("[a]", client.Execute("SMEMBERS", "s:mv-src2"));
    }

    [Fact]
    public void SinterWalksTheSmallestSetAndTreatsMissingKeysAsEmpty()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:i1", "a", "b", "c", "d");
        client.Execute("SADD", "s:i2", "d", "c", "x");
        Assert.Equal("[d, c]", client.Execute("SINTER", "s:i1", "s:i2"));
        Assert.Equal("[]", client.Execute("SINTER", "s:i1", "s:i-missing"));
        Assert.Equal("[a, b, c, d]", client.Execute("SINTER", "s:i1"));
        Assert.Equal("[a, b, c, d]", client.Execute("SINTER", "s:i1", "s:i1"));
    }

    [Fact]
    public void SintercardHonoursLimitAndValidatesArguments()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:c1", "1", "2", "3", "4");
        client.Execute("SADD", "s:c2", "2", "3", "4", "5");
        Assert.Equal(":3", client.Execute("SINTERCARD", "2", "s:c1", "s:c2"));
        Assert.Equal(":2", client.Execute("SINTERCARD", "2", "s:c1", "s:c2", "LIMIT", "2"));
        Assert.Equal(":3", client.Execute("SINTERCARD", "2", "s:c1", "s:c2", "limit", "0"));
        Assert.Equal(":0", client.Execute("SINTERCARD", "2", "s:c1", "s:c-missing"));
        Assert.Equal("-ERR numkeys should be greater than 0", client.Execute("SINTERCARD", "0", "s:c1"));
        Assert.Equal("-ERR numkeys should be greater than 0", client.Execute("SINTERCARD", "x", "s:c1"));
        Assert.Equal("-ERR Number of keys can't be greater than number of args", client.Execute("SINTERCARD", "3", "s:c1", "s:c2"));
        Assert.Equal("-ERR LIMIT can't be negative", client.Execute("SINTERCARD", "1", "s:c1", "LIMIT", "-1"));
        Assert.Equal("-ERR syntax error", client.Execute("SINTERCARD", "1", "s:c1", "LIMIT"));
        Assert.Equal("-ERR syntax error", client.Execute("SINTERCARD", "1", "s:c1", "FOO", "1"));
    }

    [Fact]
    public void SunionAndSdiffReplyInTheResultSetsOrder()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:u1", "5", "1", "3");
        client.Execute("SADD", "s:u2", "2", "1");
        Assert.Equal("[1, 2, 3, 5]", client.Execute("SUNION", "s:u1", "s:u2", "s:u-missing"));
        Assert.Equal("[3, 5]", client.Execute("SDIFF", "s:u1", "s:u2"));
        Assert.Equal("[]", client.Execute("SDIFF", "s:u1", "s:u1"));
        Assert.Equal("[]", client.Execute("SDIFF", "s:u-missing", "s:u1"));
        client.Execute("SADD", "s:u3", "x", "y");
        Assert.Equal("[1, 3, 5, x, y]", client.Execute("SUNION", "s:u1", "s:u3"));
    }

    [Fact]
    public void StoreVariantsReplaceTheDestinationAndDeleteItWhenEmpty()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:st1", "a", "b", "c");
        client.Execute("SADD", "s:st2", "b", "c", "d");
        KeyspaceProbe.SetString(_server, "s:st-dst");
        Assert.Equal(":2", client.Execute("SINTERSTORE", "s:st-dst", "s:st1", "s:st2"));
        Assert.Equal("[b, c]", client.Execute("SMEMBERS", "s:st-dst"));
        Assert.Equal(":4", client.Execute("SUNIONSTORE", "s:st-dst", "s:st1", "s:st2"));
        Assert.Equal(":1", client.Execute("SDIFFSTORE", "s:st-dst", "s:st1", "s:st2"));
        Assert.Equal("[a]", client.Execute("SMEMBERS", "s:st-dst"));
        Assert.Equal(":0", client.Execute("SINTERSTORE", "s:st-dst", "s:st1", "s:st-missing"));
        Assert.False(KeyspaceProbe.Exists(_server, "s:st-dst"));
        // The destination may be one of the sources.
        Assert.Equal(":4", client.Execute("SUNIONSTORE", "s:st1", "s:st1", "s:st2"));
        Assert.Equal(":0", client.Execute("SDIFFSTORE", "s:st1", "s:st1", "s:st1"));
        Assert.False(KeyspaceProbe.Exists(_server, "s:st1"));
    }

    [Fact]
    public void SscanOfACompactSetReturnsEverythingWithCursorZero()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "s:scan", "apple", "avocado", "banana");
        Assert.Equal("[0, [apple, avocado, banana]]", client.Execute("SSCAN", "s:scan", "0"));
        Assert.Equal("[0, [apple, avocado]]", client.Execute("SSCAN", "s:scan", "0", "MATCH", "a*"));
        Assert.Equal("[0, []]", client.Execute("SSCAN", "s:scan-missing", "0"));
        Assert.Equal("-ERR invalid cursor", client.Execute("SSCAN", "s:scan", "abc"));
        Assert.Equal("-ERR syntax error", client.Execute("SSCAN", "s:scan", "0", "COUNT", "0"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("SSCAN", "s:scan", "0", "COUNT", "x"));
        Assert.Equal("-ERR syntax error", client.Execute("SSCAN", "s:scan", "0", "TYPE", "string"));
    }

    [Fact]
    public void SscanOfAHashtableVisitsEveryMemberExactlyOnce()
    {
        using RawClient client = _server.Raw();
        var expected = new HashSet<string>();
        var args = new List<string> { "SADD", "s:scan-big" };
        for (int i = 0; i < 300; i++)
        {
            args.Add("m" + i);
            expected.Add("m" + i);
        }
        client.Execute(args.ToArray());
        Assert.Equal("hashtable", KeyspaceProbe.Encoding(_server, "s:scan-big"));
        StackExchange.Redis.IDatabase db = _server.Database();
        var seen = new List<string>();
        foreach (StackExchange.Redis.RedisValue value in db.SetScan("s:scan-big", pageSize: 17))
        {
            seen.Add(value!);
        }
        Assert.Equal(300, seen.Count);
        Assert.True(expected.SetEquals(seen));
    }

    [Fact]
    public void Resp3RepliesUseSetFrames()
    {
        using RawClient client = _server.Raw();
        client.Execute("HELLO", "3");
        client.Execute("SADD", "s:resp3", "1", "2");
        client.SendCommand("SMEMBERS", "s:resp3");
        Assert.Equal("[1, 2]", client.ReadReply());
        client.SendCommand("SPOP", "s:resp3-missing");
        Assert.Equal("(nil)", client.ReadReply());
    }

    [Fact]
    public void StackExchangeRedisRoundTrip()
    {
        StackExchange.Redis.IDatabase db = _server.Database();
        Assert.Equal(3, db.SetAdd("s:se", ["x", "y", "z"]));
        Assert.True(db.SetContains("s:se", "y"));
        Assert.True(db.SetMove("s:se", "s:se2", "y"));
        Assert.Equal(2, db.SetLength("s:se"));
        Assert.Equal(["x", "y", "z"], db.SetCombine(StackExchange.Redis.SetOperation.Union, "s:se", "s:se2").Select(v => (string)v!).Order());
    }
}
