using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Sets;

public sealed class SetEncodingTests : IClassFixture<SetEncodingTests.Fixture>
{
    private readonly TestServer _server;

    public SetEncodingTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private static string[] Command(string name, string key, IEnumerable<string> members) => [name, key, .. members];

    private static IEnumerable<string> Numbers(int from, int count) => Enumerable.Range(from, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void IntegerSetsStayIntsetsUpTo512MembersThenBecomeHashtables()
    {
        using RawClient client = _server.Raw();
        client.Execute(Command("SADD", "e:ints", Numbers(0, 512)));
        Assert.Equal("intset", KeyspaceProbe.Encoding(_server, "e:ints"));
        client.Execute("SADD", "e:ints", "512");
        Assert.Equal("hashtable", KeyspaceProbe.Encoding(_server, "e:ints"));
        Assert.Equal(":513", client.Execute("SCARD", "e:ints"));
    }

    [Fact]
    public void ANonIntegerTurnsASmallIntsetIntoAListpack()
    {
        using RawClient client = _server.Raw();
        client.Execute("SADD", "e:mixed", "1", "2");
        Assert.Equal("intset", KeyspaceProbe.Encoding(_server, "e:mixed"));
        client.Execute("SADD", "e:mixed", "a");
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "e:mixed"));
        Assert.Equal("[1, 2, a]", client.Execute("SMEMBERS", "e:mixed"));
    }

    [Fact]
    public void ANonIntegerTurnsAnIntsetOf128OrMoreIntoAHashtable()
    {
        using RawClient client = _server.Raw();
        client.Execute(Command("SADD", "e:bigints", Numbers(0, 128)));
        client.Execute("SADD", "e:bigints", "a");
        Assert.Equal("hashtable", KeyspaceProbe.Encoding(_server, "e:bigints"));
        client.Execute(Command("SADD", "e:bigints2", Numbers(0, 127)));
        client.Execute("SADD", "e:bigints2", "a");
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "e:bigints2"));
    }

    [Fact]
    public void ListpackConvertsPast128MembersOrA64ByteMember()
    {
        using RawClient client = _server.Raw();
        client.Execute(Command("SADD", "e:lp", Enumerable.Range(0, 128).Select(i => "m" + i)));
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "e:lp"));
        client.Execute("SADD", "e:lp", "one-more");
        Assert.Equal("hashtable", KeyspaceProbe.Encoding(_server, "e:lp"));

        client.Execute("SADD", "e:lp-long", "a", new string('x', 64));
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "e:lp-long"));
        client.Execute("SADD", "e:lp-long", new string('y', 65));
        Assert.Equal("hashtable", KeyspaceProbe.Encoding(_server, "e:lp-long"));
    }

    [Fact]
    public void SaddCreatesAHashtableDirectlyForMoreThan128Strings()
    {
        using RawClient client = _server.Raw();
        client.Execute(Command("SADD", "e:direct", Enumerable.Range(0, 129).Select(i => "m" + i)));
        Assert.Equal("hashtable", KeyspaceProbe.Encoding(_server, "e:direct"));
    }

    [Fact]
    public void StoreResultsTakeTheSmallestEncodingThatFits()
    {
        using RawClient client = _server.Raw();
        client.Execute(Command("SADD", "e:src-big", Enumerable.Range(0, 200).Select(i => "m" + i)));
        client.Execute("SADD", "e:src-small", "m1", "m2", "7");
        Assert.Equal(":2", client.Execute("SINTERSTORE", "e:dst", "e:src-big", "e:src-small"));
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "e:dst"));
        client.Execute("SADD", "e:ints-a", "3", "1");
        client.Execute("SADD", "e:ints-b", "2");
        Assert.Equal(":3", client.Execute("SUNIONSTORE", "e:dst2", "e:ints-a", "e:ints-b"));
        Assert.Equal("intset", KeyspaceProbe.Encoding(_server, "e:dst2"));
    }

    [Fact]
    public void SpoppingMostOfAHashtableRebuildsTheRemainderCompactly()
    {
        using RawClient client = _server.Raw();
        client.Execute(Command("SADD", "e:spop", Enumerable.Range(0, 200).Select(i => "m" + i)));
        Assert.Equal("hashtable", KeyspaceProbe.Encoding(_server, "e:spop"));
        client.Execute("SPOP", "e:spop", "150");
        Assert.Equal(":50", client.Execute("SCARD", "e:spop"));
        Assert.Equal("listpack", KeyspaceProbe.Encoding(_server, "e:spop"));
    }

    [Fact]
    public void MemoryUsageIsMaintainedIncrementallyAcrossConversions()
    {
        using RawClient client = _server.Raw();
        client.Execute(Command("SADD", "e:mem", Numbers(0, 100)));
        (long incremental, long rebuilt) = KeyspaceProbe.Memory(_server, "e:mem");
        Assert.Equal(rebuilt, incremental);
        client.Execute("SADD", "e:mem", "x", "y");
        client.Execute("SREM", "e:mem", "5", "x");
        (incremental, rebuilt) = KeyspaceProbe.Memory(_server, "e:mem");
        Assert.Equal(rebuilt, incremental);
        client.Execute(Command("SADD", "e:mem", Enumerable.Range(0, 100).Select(i => "s" + i)));
        client.Execute("SPOP", "e:mem", "3");
        (incremental, rebuilt) = KeyspaceProbe.Memory(_server, "e:mem");
        Assert.Equal("hashtable", KeyspaceProbe.Encoding(_server, "e:mem"));
        Assert.Equal(rebuilt, incremental);
    }
}
