using System.Diagnostics;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Streams;

public sealed class StreamBlockingTests : IClassFixture<StreamsFixture>
{
    private readonly TestServer _server;

    public StreamBlockingTests(StreamsFixture fixture)
    {
        _server = fixture.Server;
    }

    private static void WaitForBlocked(TestServer server, int atLeast)
    {
        var watch = Stopwatch.StartNew();
        while (server.Context.Blocking.BlockedClients < atLeast)
        {
            Assert.True(watch.ElapsedMilliseconds < 5000, "client never blocked");
            Thread.Sleep(5);
        }
    }

    [Fact]
    public void XreadBlockIsWokenByXaddFromAnotherClient()
    {
        using RawClient reader = _server.Raw();
        using RawClient writer = _server.Raw();
        writer.Execute("XADD", "b-wake", "1-1", "old", "x");
        int blockedBefore = _server.Context.Blocking.BlockedClients;
        reader.SendCommand("XREAD", "BLOCK", "0", "STREAMS", "b-wake", "$");
        WaitForBlocked(_server, blockedBefore + 1);
        Assert.Equal("2-1", writer.Execute("XADD", "b-wake", "2-1", "new", "y"));
        Assert.Equal("[[b-wake, [[2-1, [new, y]]]]]", reader.ReadReply());
    }

    [Fact]
    public void DollarIsPinnedWhenTheClientFirstBlocked()
    {
        using RawClient reader = _server.Raw();
        using RawClient writer = _server.Raw();
        writer.Execute("XADD", "b-pin", "1-1", "f", "v");
        writer.Execute("XADD", "b-other", "1-1", "f", "v");
        int blockedBefore = _server.Context.Blocking.BlockedClients;
        reader.SendCommand("XREAD", "BLOCK", "5000", "STREAMS", "b-other", "b-pin", "$", "$");
        WaitForBlocked(_server, blockedBefore + 1);
        // A change that serves nothing (XDEL) re-runs the command; '$' must still mean 1-1 afterwards.
        writer.Execute("XDEL", "b-other", "1-1");
        writer.Execute("XADD", "b-pin", "1-2", "f", "w");
        Assert.Equal("[[b-pin, [[1-2, [f, w]]]]]", reader.ReadReply());
    }

    [Fact]
    public void XreadBlockTimesOutWithANullArray()
    {
        using RawClient reader = _server.Raw();
        var watch = Stopwatch.StartNew();
        Assert.Equal("(nil array)", reader.Execute("XREAD", "BLOCK", "150", "STREAMS", "b-timeout", "$"));
        Assert.InRange(watch.ElapsedMilliseconds, 100, 4000);
    }

    [Fact]
    public void XreadWithoutBlockOrInsideMultiDoesNotBlock()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("(nil array)", c.Execute("XREAD", "STREAMS", "b-nonblock", "0"));
        c.Execute("MULTI");
        c.Execute("XREAD", "BLOCK", "0", "STREAMS", "b-nonblock", "$");
        Assert.Equal("[(nil array)]", c.Execute("EXEC"));
    }

    [Fact]
    public void XreadServesSeveralStreamsAndCounts()
    {
        using RawClient c = _server.Raw();
        c.Execute("XADD", "b-multi1", "1-1", "a", "1");
        c.Execute("XADD", "b-multi1", "1-2", "a", "2");
        c.Execute("XADD", "b-multi2", "3-1", "b", "1");
        Assert.Equal("[[b-multi1, [[1-1, [a, 1]]]], [b-multi2, [[3-1, [b, 1]]]]]",
            c.Execute("XREAD", "COUNT", "1", "STREAMS", "b-multi1", "b-multi2", "0", "0"));
        Assert.Equal("[[b-multi1, [[1-2, [a, 2]]]]]", c.Execute("XREAD", "STREAMS", "b-multi1", "b-multi2", "1-1", "3-1"));
    }

    [Fact]
    public void XreadgroupBlockIsServedByXaddAndRecordsThePel()
    {
        using RawClient reader = _server.Raw();
        using RawClient writer = _server.Raw();
        writer.Execute("XGROUP", "CREATE", "b-group", "grp", "$", "MKSTREAM");
        int blockedBefore = _server.Context.Blocking.BlockedClients;
        reader.SendCommand("XREADGROUP", "GROUP", "grp", "alice", "BLOCK", "0", "STREAMS", "b-group", ">");
        WaitForBlocked(_server, blockedBefore + 1);
        writer.Execute("XADD", "b-group", "1-1", "f", "v");
        Assert.Equal("[[b-group, [[1-1, [f, v]]]]]", reader.ReadReply());
        Assert.Equal("[:1, 1-1, 1-1, [[alice, 1]]]", writer.Execute("XPENDING", "b-group", "grp"));
    }

    [Fact]
    public void XreadgroupBlockTimesOutAndIsToldWhenTheGroupIsDestroyed()
    {
        using RawClient reader = _server.Raw();
        using RawClient writer = _server.Raw();
        writer.Execute("XGROUP", "CREATE", "b-destroy", "grp", "$", "MKSTREAM");
        Assert.Equal("(nil array)", reader.Execute("XREADGROUP", "GROUP", "grp", "c", "BLOCK", "100", "STREAMS", "b-destroy", ">"));
        int blockedBefore = _server.Context.Blocking.BlockedClients;
        reader.SendCommand("XREADGROUP", "GROUP", "grp", "c", "BLOCK", "0", "STREAMS", "b-destroy", ">");
        WaitForBlocked(_server, blockedBefore + 1);
        writer.Execute("XGROUP", "DESTROY", "b-destroy", "grp");
        Assert.Equal("-NOGROUP No such key 'b-destroy' or consumer group 'grp' in XREADGROUP with GROUP option", reader.ReadReply());
    }

    [Fact]
    public void AWaiterThatCannotBeServedDoesNotHoldUpTheNextOne()
    {
        using RawClient future = _server.Raw();
        using RawClient current = _server.Raw();
        using RawClient writer = _server.Raw();
        int blockedBefore = _server.Context.Blocking.BlockedClients;
        future.SendCommand("XREAD", "BLOCK", "0", "STREAMS", "b-queue", "9999-0");
        WaitForBlocked(_server, blockedBefore + 1);
        current.SendCommand("XREAD", "BLOCK", "0", "STREAMS", "b-queue", "$");
        WaitForBlocked(_server, blockedBefore + 2);
        writer.Execute("XADD", "b-queue", "5-0", "f", "v");
        Assert.Equal("[[b-queue, [[5-0, [f, v]]]]]", current.ReadReply());
        writer.Execute("XADD", "b-queue", "10000-0", "f", "w");
        Assert.Equal("[[b-queue, [[10000-0, [f, w]]]]]", future.ReadReply());
    }

    [Fact]
    public void TwoBlockedReadersAreBothServedByOneXadd()
    {
        using RawClient first = _server.Raw();
        using RawClient second = _server.Raw();
        using RawClient writer = _server.Raw();
        int blockedBefore = _server.Context.Blocking.BlockedClients;
        first.SendCommand("XREAD", "BLOCK", "0", "STREAMS", "b-two", "$");
        second.SendCommand("XREAD", "BLOCK", "0", "STREAMS", "b-two", "$");
        WaitForBlocked(_server, blockedBefore + 2);
        writer.Execute("XADD", "b-two", "1-1", "f", "v");
        Assert.Equal("[[b-two, [[1-1, [f, v]]]]]", first.ReadReply());
        Assert.Equal("[[b-two, [[1-1, [f, v]]]]]", second.ReadReply());
    }
}
