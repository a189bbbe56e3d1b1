using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Sets;

namespace Cairn.Server.Tests.SortedSets;

public sealed class SortedSetPopTests : IClassFixture<SortedSetPopTests.Fixture>
{
    private readonly TestServer _server;

    public SortedSetPopTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private void WaitForBlockedClients(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            lock (_server.Context.Store.Lock)
            {
                if (_server.Context.Blocking.BlockedClients >= count)
                {
                    return;
                }
            }
            Thread.Sleep(5);
        }
        Assert.Fail($"expected {count} blocked clients");
    }

    [Fact]
    public void ZpopminAndZpopmaxPopInOrderAndDeleteEmptyKeys()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "p:pop", "1", "a", "2", "b", "3", "c");
        Assert.Equal("[a, 1]", client.Execute("ZPOPMIN", "p:pop"));
        Assert.Equal("[c, 3]", client.Execute("ZPOPMAX", "p:pop"));
        Assert.Equal("[]", client.Execute("ZPOPMIN", "p:pop", "0"));
        Assert.Equal("[b, 2]", client.Execute("ZPOPMIN", "p:pop", "5"));
        Assert.False(KeyspaceProbe.Exists(_server, "p:pop"));
        Assert.Equal("[]", client.Execute("ZPOPMIN", "p:pop"));
        Assert.Equal("-ERR value is out of range, must be positive", client.Execute("ZPOPMIN", "p:pop", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive", client.Execute("ZPOPMAX", "p:pop", "x"));
        Assert.Equal("-ERR syntax error", client.Execute("ZPOPMIN", "p:pop", "1", "2"));
    }

    [Fact]
    public void Resp3NestsPairsOnlyWhenACountIsGiven()
    {
        using RawClient client = _server.Raw();
        client.Execute("HELLO", "3");
        client.Execute("ZADD", "p:resp3", "1", "a", "2", "b", "3", "c");
        Assert.Equal("[[a, ,1], [b, ,2]]", client.Execute("ZPOPMIN", "p:resp3", "2"));
        Assert.Equal("[c, ,3]", client.Execute("ZPOPMIN", "p:resp3"));
    }

    [Fact]
    public void ZmpopPopsFromTheFirstNonEmptyKey()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "p:mpop", "1", "a", "2", "b", "3", "c");
        Assert.Equal("[p:mpop, [[a, 1], [b, 2]]]", client.Execute("ZMPOP", "2", "p:mpop-none", "p:mpop", "MIN", "COUNT", "2"));
        Assert.Equal("[p:mpop, [[c, 3]]]", client.Execute("ZMPOP", "1", "p:mpop", "max"));
        Assert.Equal("(nil array)", client.Execute("ZMPOP", "1", "p:mpop", "MAX"));
        Assert.Equal("-ERR numkeys should be greater than 0", client.Execute("ZMPOP", "0", "p:mpop", "MIN"));
        Assert.Equal("-ERR numkeys should be greater than 0", client.Execute("ZMPOP", "x", "p:mpop", "MIN"));
        Assert.Equal("-ERR syntax error", client.Execute("ZMPOP", "1", "p:mpop", "FOO"));
        Assert.Equal("-ERR syntax error", client.Execute("ZMPOP", "2", "p:mpop", "MIN"));
        Assert.Equal("-ERR syntax error", client.Execute("ZMPOP", "9223372036854775807", "p:mpop", "MIN"));
        Assert.Equal("-ERR count should be greater than 0", client.Execute("ZMPOP", "1", "p:mpop", "MIN", "COUNT", "0"));
        Assert.Equal("-ERR syntax error", client.Execute("ZMPOP", "1", "p:mpop", "MIN", "COUNT", "1", "COUNT", "1"));
        Assert.Equal("-ERR syntax error", client.Execute("ZMPOP", "1", "p:mpop", "MIN", "COUNT"));
    }

    [Fact]
    public void BzpopminServesImmediatelyWhenAKeyHasElements()
    {
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "p:bz-now", "1", "a", "2", "b");
        Assert.Equal("[p:bz-now, a, 1]", client.Execute("BZPOPMIN", "p:bz-none", "p:bz-now", "0"));
        Assert.Equal("[p:bz-now, b, 2]", client.Execute("BZPOPMAX", "p:bz-now", "0"));
        Assert.Equal("-ERR timeout is not a float or out of range", client.Execute("BZPOPMIN", "p:bz-now", "x"));
        Assert.Equal("-ERR timeout is negative", client.Execute("BZPOPMIN", "p:bz-now", "-1"));
    }

    [Fact]
    public void BzpopminTimesOutWithANullArray()
    {
        using RawClient client = _server.Raw();
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("(nil array)", client.Execute("BZPOPMIN", "p:bz-timeout", "0.2"));
        Assert.True(started.ElapsedMilliseconds >= 150, $"returned after {started.ElapsedMilliseconds} ms");
        Assert.Equal("(nil array)", client.Execute("BZMPOP", "0.1", "1", "p:bz-timeout", "MIN"));
    }

    [Fact]
    public void BlockedClientsAreServedFirstComeFirstServed()
    {
        using RawClient first = _server.Raw();
        using RawClient second = _server.Raw();
        using RawClient writer = _server.Raw();
        first.SendCommand("BZPOPMIN", "p:fifo", "0");
        WaitForBlockedClients(1);
        second.SendCommand("BZPOPMIN", "p:fifo-other", "p:fifo", "0");
        WaitForBlockedClients(2);
        Assert.Equal(":1", writer.Execute("ZADD", "p:fifo", "1", "x"));
        Assert.Equal("[p:fifo, x, 1]", first.ReadReply());
        Assert.Equal(":2", writer.Execute("ZADD", "p:fifo", "2", "y", "3", "z"));
        Assert.Equal("[p:fifo, y, 2]", second.ReadReply());
        Assert.Equal("[z]", writer.Execute("ZRANGE", "p:fifo", "0", "-1"));
    }

    [Fact]
    public void BzmpopWakesOnAnyOfItsKeys()
    {
        using RawClient waiter = _server.Raw();
        using RawClient writer = _server.Raw();
        waiter.SendCommand("BZMPOP", "0", "2", "p:bzm-a", "p:bzm-b", "MAX", "COUNT", "5");
        WaitForBlockedClients(1);
        writer.Execute("ZADD", "p:bzm-b", "1", "m", "2", "n");
        Assert.Equal("[p:bzm-b, [[n, 2], [m, 1]]]", waiter.ReadReply());
        Assert.False(KeyspaceProbe.Exists(_server, "p:bzm-b"));
    }

    [Fact]
    public void BlockingPopInsideMultiRepliesAsOnTimeout()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("MULTI"));
        Assert.Equal("+QUEUED", client.Execute("BZPOPMIN", "p:multi", "0"));
        Assert.Equal("+QUEUED", client.Execute("BZMPOP", "0", "1", "p:multi", "MIN"));
        Assert.Equal("[(nil array), (nil array)]", client.Execute("EXEC"));
    }
}
