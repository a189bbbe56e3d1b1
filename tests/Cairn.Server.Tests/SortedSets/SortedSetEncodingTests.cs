using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Sets;

namespace Cairn.Server.Tests.SortedSets;

public sealed class SortedSetEncodingTests : IClassFixture<SortedSetEncodingTests.Fixture>
{
    private readonly TestServer _server;

    public SortedSetEncodingTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private static string[] Zadd(string key, int count, string prefix = "m")
    {
        var args = new List<string> { "ZADD", key };
        for (int i = 0; i < count; i++)
        {
            args.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            args.Add(prefix + i);
        }
        return args.ToArray();
    }

    [Fact]
    public void ListpackConvertsToSkiplistPast128Members()
    {
        using RawClient client = _server.Raw();
        client.Execute(Zadd("c:entries", 128));
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "c:entries"));
        client.Execute("ZADD", "c:entries", "1000", "one-more");
        Assert.Equal("skiplist", KeyspaceProbe.Encoding(_server, "c:entries"));
        Assert.Equal(":129", client.Execute("ZCARD", "c:entries"));
        Assert.Equal(":128", client.Execute("ZRANK", "c:entries", "one-more"));
    }

    [Fact]
    public void AMemberLongerThan64BytesForcesASkiplist()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "c:long", "1", new string('a', 64));
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "c:long"));
        client.Execute("ZADD", "c:long", "2", new string('b', 65));
        Assert.Equal("skiplist", KeyspaceProbe.Encoding(_server, "c:long"));
        client.Execute("ZADD", "c:long-first", "1", new string('b', 65));
        Assert.Equal("skiplist", KeyspaceProbe.Encoding(_server, "c:long-first"));
    }

    [Fact]
    public void ASkiplistStaysASkiplistWhenItShrinks()
    {
        using RawClient client = _server.Raw();
        client.Execute(Zadd("c:shrink", 200));
        client.Execute("ZREMRANGEBYRANK", "c:shrink", "0", "197");
        Assert.Equal(":2", client.Execute("ZCARD", "c:shrink"));
        Assert.Equal("skiplist", KeyspaceProbe.Encoding(_server, "c:shrink"));
    }

    [Fact]
    public void StoreResultsTakeTheSmallestEncodingThatFits()
    {
        using RawClient client = _server.Raw();
        client.Execute(Zadd("c:big", 200));
        Assert.Equal(":10", client.Execute("ZRANGESTORE", "c:dst-small", "c:big", "0", "9"));
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "c:dst-small"));
        Assert.Equal(":129", client.Execute("ZRANGESTORE", "c:dst-big", "c:big", "0", "128"));
        Assert.Equal("skiplist", KeyspaceProbe.Encoding(_server, "c:dst-big"));
        client.Execute("ZADD", "c:small", "1", "m1", "2", "m2");
        Assert.Equal(":2", client.Execute("ZINTERSTORE", "c:dst-inter", "2", "c:big", "c:small"));
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "c:dst-inter"));
        Assert.Equal(":200", client.Execute("ZUNIONSTORE", "c:dst-union", "2", "c:big", "c:small"));
        Assert.Equal("skiplist", KeyspaceProbe.Encoding(_server, "c:dst-union"));
    }

    [Fact]
    public void RanksAndRangesAgreeAcrossEncodings()
    {
        using RawClient client = _server.Raw();
        client.Execute(Zadd("c:agree", 300));
        Assert.Equal("skiplist", KeyspaceProbe.Encoding(_server, "c:agree"));
        Assert.Equal(":150", client.Execute("ZRANK", "c:agree", "m150"));
        Assert.Equal(":149", client.Execute("ZREVRANK", "c:agree", "m150"));
        Assert.Equal("[m10, m11, m12]", client.Execute("ZRANGE", "c:agree", "10", "12"));
        Assert.Equal("[m299, m298]", client.Execute("ZRANGE", "c:agree", "0", "1", "REV"));
        Assert.Equal(":101", client.Execute("ZCOUNT", "c:agree", "100", "200"));
        Assert.Equal("[m201, m202]", client.Execute("ZRANGEBYSCORE", "c:agree", "(200", "+inf", "LIMIT", "0", "2"));
        Assert.Equal("[m199, m198]", client.Execute("ZREVRANGEBYSCORE", "c:agree", "(200", "-inf", "LIMIT", "0", "2"));
        Assert.Equal(":100", client.Execute("ZREMRANGEBYSCORE", "c:agree", "100", "(200"));
        Assert.Equal(":100", client.Execute("ZRANK", "c:agree", "m200"));
    }

    [Fact]
    public void MemoryUsageIsMaintainedIncrementallyAcrossConversions()
    {
        using RawClient client = _server.Raw();
        client.Execute(Zadd("c:mem", 100));
        (long incremental, long rebuilt) = KeyspaceProbe.Memory(_server, "c:mem");
        Assert.Equal(rebuilt, incremental);
        client.Execute(Zadd("c:mem", 100, "n"));
        client.Execute("ZREM", "c:mem", "m1", "n5");
        client.Execute("ZPOPMIN", "c:mem", "3");
        client.Execute("ZINCRBY", "c:mem", "1000", "m50");
        (incremental, rebuilt) = KeyspaceProbe.Memory(_server, "c:mem");
        Assert.Equal("skiplist", KeyspaceProbe.Encoding(_server, "c:mem"));
        Assert.Equal(rebuilt, incremental);
    }
}
