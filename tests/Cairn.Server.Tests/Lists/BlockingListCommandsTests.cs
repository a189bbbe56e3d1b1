using System.Diagnostics;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Lists;

/// <summary>BLPOP and friends: FIFO wake-up, timeouts, chains, MULTI, keys that change under a blocked client.</summary>
public sealed class BlockingListCommandsTests : IClassFixture<BlockingListCommandsTests.Fixture>
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
    private readonly TestServer _server;

    public BlockingListCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
        StoreInspection.WaitForBlockedClients(_server, 0);
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private void Block(RawClient client, int blockedAfter, params string[] command)
    {
        client.SendCommand(command);
        StoreInspection.WaitForBlockedClients(_server, blockedAfter);
    }

    [Fact]
    public void TwoClientsBlockedOnTheSameKeyAreServedInArrivalOrder()
    {
        using RawClient first = _server.Raw();
        using RawClient second = _server.Raw();
        using RawClient pusher = _server.Raw();
        Block(first, 1, "BLPOP", "fifo:l", "0");
        Block(second, 2, "BLPOP", "fifo:l", "0");
        Assert.Equal(":1", pusher.Execute("RPUSH", "fifo:l", "a"));
        Assert.Equal("[fifo:l, a]", first.ReadReply());
        StoreInspection.WaitForBlockedClients(_server, 1);
        Assert.Equal(":1", pusher.Execute("RPUSH", "fifo:l", "b"));
        Assert.Equal("[fifo:l, b]", second.ReadReply());
        StoreInspection.WaitForBlockedClients(_server, 0);
        Assert.Equal("[]", pusher.Execute("LRANGE", "fifo:l", "0", "-1"));
    }

    [Fact]
    public void OnePushOfSeveralElementsServesEveryWaiterInOrder()
    {
        using RawClient first = _server.Raw();
        using RawClient second = _server.Raw();
        using RawClient pusher = _server.Raw();
        Block(first, 1, "BRPOP", "multi:l", "0");
        Block(second, 2, "BLPOP", "multi:l", "0");
        // The push replies with the length before the waiters take their elements.
        Assert.Equal(":3", pusher.Execute("RPUSH", "multi:l", "a", "b", "c"));
        Assert.Equal("[multi:l, c]", first.ReadReply());
        Assert.Equal("[multi:l, a]", second.ReadReply());
        Assert.Equal("[b]", pusher.Execute("LRANGE", "multi:l", "0", "-1"));
        pusher.Execute("LPOP", "multi:l");
    }

    [Fact]
    public void BlockedClientIsServedFromWhicheverKeyIsPushed()
    {
        using RawClient waiter = _server.Raw();
        using RawClient pusher = _server.Raw();
        Block(waiter, 1, "BLPOP", "any:a", "any:b", "any:a", "0");
        pusher.Execute("LPUSH", "any:b", "x");
        Assert.Equal("[any:b, x]", waiter.ReadReply());
        StoreInspection.WaitForBlockedClients(_server, 0);
    }

    [Theory]
    [InlineData("BLPOP", "to:l", "0.1")]
    [InlineData("BRPOP", "to:l", "0.1")]
    [InlineData("BLMPOP", "0.1", "1", "to:l", "LEFT")]
    [InlineData("BRPOPLPUSH", "to:l", "to:d", "0.1")]
    [InlineData("BLMOVE", "to:l", "to:d", "LEFT", "RIGHT", "0.1")]
    public void TimeoutRepliesNullArrayAfterTheTimeout(params string[] command)
    {
        using RawClient waiter = _server.Raw();
        var watch = Stopwatch.StartNew();
        // Redis 7.0 replies a null array to every timed-out list block (replyToBlockedClientTimedOut), BLMOVE included.
        Assert.Equal("(nil array)", waiter.Execute(command));
        // It waited for the timeout instead of answering at once. Deadlines are wall-clock times, as in Redis, so a clock
        // correction in the VM can shorten the wait by a few milliseconds against this monotonic stopwatch (seen: 89 ms).
        Assert.True(watch.ElapsedMilliseconds >= 75, $"returned after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(0, StoreInspection.BlockedClients(_server));
        Assert.Equal("+PONG", waiter.Execute("PING"));
    }

    [Fact]
    public void SubMillisecondTimeoutDoesNotBlockForever()
    {
        using RawClient waiter = _server.Raw();
        Assert.Equal("(nil array)", waiter.Execute("BLPOP", "tiny:l", "0.0001"));
    }

    [Fact]
    public void BlMoveChainsServeEachBlockedClientInTurn()
    {
        using RawClient one = _server.Raw();
        using RawClient two = _server.Raw();
        using RawClient three = _server.Raw();
        using RawClient pusher = _server.Raw();
        Block(one, 1, "BLMOVE", "chain:a", "chain:b", "RIGHT", "LEFT", "0");
        Block(two, 2, "BRPOPLPUSH", "chain:b", "chain:c", "0");
        Block(three, 3, "BLPOP", "chain:c", "0");
        pusher.Execute("RPUSH", "chain:a", "x");
        Assert.Equal("x", one.ReadReply());
        Assert.Equal("x", two.ReadReply());
        Assert.Equal("[chain:c, x]", three.ReadReply());
        StoreInspection.WaitForBlockedClients(_server, 0);
        Assert.Null(StoreInspection.EncodingOf(_server, "chain:a"));
        Assert.Null(StoreInspection.EncodingOf(_server, "chain:b"));
        Assert.Null(StoreInspection.EncodingOf(_server, "chain:c"));
    }

    [Fact]
    public void CircularBrPopLPushLeavesTheElementInTheFirstList()
    {
        using RawClient one = _server.Raw();
        using RawClient two = _server.Raw();
        using RawClient pusher = _server.Raw();
        Block(one, 1, "BRPOPLPUSH", "circ:1", "circ:2", "0");
        Block(two, 2, "BRPOPLPUSH", "circ:2", "circ:1", "0");
        pusher.Execute("RPUSH", "circ:1", "foo");
        Assert.Equal("foo", one.ReadReply());
        Assert.Equal("foo", two.ReadReply());
        Assert.Equal("[foo]", pusher.Execute("LRANGE", "circ:1", "0", "-1"));
        Assert.Equal(":0", pusher.Execute("LLEN", "circ:2"));
        pusher.Execute("LPOP", "circ:1");
    }

    [Fact]
    public void PushInsideAnotherClientsExecServesTheBlockedClientAfterExec()
    {
        using RawClient waiter = _server.Raw();
        using RawClient writer = _server.Raw();
        Block(waiter, 1, "BLPOP", "tx:l", "0");
        Assert.Equal("+OK", writer.Execute("MULTI"));
        Assert.Equal("+QUEUED", writer.Execute("LPUSH", "tx:l", "a"));
        Assert.Equal("+QUEUED", writer.Execute("LPUSH", "tx:l", "b"));
        Assert.Equal("+QUEUED", writer.Execute("LPUSH", "tx:l", "c"));
        Assert.Equal("[:1, :2, :3]", writer.Execute("EXEC"));
        // The transaction is isolated: the waiter sees its final state, whose head is "c".
        Assert.Equal("[tx:l, c]", waiter.ReadReply());
        Assert.Equal("[b, a]", writer.Execute("LRANGE", "tx:l", "0", "-1"));
        writer.Execute("LTRIM", "tx:l", "1", "0");
    }

    [Fact]
    public void BlockingCommandsInsideMultiReplyAsOnTimeout()
    {
        using RawClient c = _server.Raw();
        c.Execute("MULTI");
        c.Execute("BLPOP", "txb:l", "0");
        c.Execute("BRPOP", "txb:l", "0");
        c.Execute("BLMPOP", "0", "1", "txb:l", "LEFT");
        c.Execute("BLMOVE", "txb:l", "txb:d", "LEFT", "LEFT", "0");
        c.Execute("BRPOPLPUSH", "txb:l", "txb:d", "0");
        c.Execute("RPUSH", "txb:l", "v");
        c.Execute("BLPOP", "txb:l", "0");
        Assert.Equal("[(nil array), (nil array), (nil array), (nil), (nil), :1, [txb:l, v]]", c.Execute("EXEC"));
        Assert.Equal(0, StoreInspection.BlockedClients(_server));
    }

    [Fact]
    public void KeyThatBecomesAStringRepliesWrongTypeToTheBlockedClient()
    {
        using RawClient waiter = _server.Raw();
        Block(waiter, 1, "BLPOP", "towt:l", "0");
        StoreInspection.SetString(_server, "towt:l", "now a string");
        Assert.Equal(WrongType, waiter.ReadReply());
        StoreInspection.WaitForBlockedClients(_server, 0);
        StoreInspection.Delete(_server, "towt:l");
    }

    [Fact]
    public void DeletedKeyKeepsTheClientBlockedUntilAPush()
    {
        using RawClient waiter = _server.Raw();
        using RawClient pusher = _server.Raw();
        Block(waiter, 1, "BRPOP", "del:l", "0");
        StoreInspection.Delete(_server, "del:l");
        pusher.Execute("RPUSH", "del:l", "late");
        Assert.Equal("[del:l, late]", waiter.ReadReply());
    }

    [Fact]
    public void BrPopLPushToAWrongTypeDestinationFailsAndKeepsTheSource()
    {
        using RawClient waiter = _server.Raw();
        using RawClient pusher = _server.Raw();
        StoreInspection.SetString(_server, "bwt:dst", "nolist");
        Block(waiter, 1, "BRPOPLPUSH", "bwt:src", "bwt:dst", "0");
        pusher.Execute("RPUSH", "bwt:src", "a", "b", "c");
        Assert.Equal(WrongType, waiter.ReadReply());
        Assert.Equal("[a, b, c]", pusher.Execute("LRANGE", "bwt:src", "0", "-1"));
        StoreInspection.Delete(_server, "bwt:src");
        StoreInspection.Delete(_server, "bwt:dst");
    }

    [Fact]
    public void BlMPopWakesWithUpToCountElements()
    {
        using RawClient waiter = _server.Raw();
        using RawClient pusher = _server.Raw();
        Block(waiter, 1, "BLMPOP", "0", "2", "bm:a", "bm:b", "RIGHT", "COUNT", "2");
        pusher.Execute("RPUSH", "bm:b", "1", "2", "3");
        Assert.Equal("[bm:b, [3, 2]]", waiter.ReadReply());
        Assert.Equal("[1]", pusher.Execute("LRANGE", "bm:b", "0", "-1"));
        pusher.Execute("LPOP", "bm:b");
    }

    [Fact]
    public void ClosingABlockedClientUnblocksIt()
    {
        using (RawClient waiter = _server.Raw())
        {
            Block(waiter, 1, "BLPOP", "gone:l", "0");
        }
        StoreInspection.WaitForBlockedClients(_server, 0);
        using RawClient pusher = _server.Raw();
        Assert.Equal(":1", pusher.Execute("RPUSH", "gone:l", "kept"));
        Assert.Equal("[kept]", pusher.Execute("LRANGE", "gone:l", "0", "-1"));
        pusher.Execute("LPOP", "gone:l");
    }

    [Fact]
    public void StackExchangeRedisBlockingPopWithTimeout()
    {
        var db = _server.Database();
        StackExchange.Redis.RedisResult result = db.Execute("BLPOP", "se:bl", "0.05");
        Assert.True(result.IsNull);
        db.ListRightPush("se:bl", "v");
        var pair = (StackExchange.Redis.RedisResult[])db.Execute("BLPOP", "se:bl", "1")!;
        Assert.Equal("se:bl", (string?)pair[0]);
        Assert.Equal("v", (string?)pair[1]);
    }

    [Fact]
    public void CommandsPipelinedBehindABlockedCommandRunAfterItIsServed()
    {
        using RawClient waiter = _server.Raw();
        using RawClient pusher = _server.Raw();
        waiter.Send("*3\r\n$5\r\nBLPOP\r\n$6\r\npipe:l\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n");
        StoreInspection.WaitForBlockedClients(_server, 1);
        waiter.SendCommand("ECHO", "sent while blocked");
        Thread.Sleep(50);
        pusher.Execute("RPUSH", "pipe:l", "v");
        Assert.Equal("[pipe:l, v]", waiter.ReadReply());
        Assert.Equal("+PONG", waiter.ReadReply());
        Assert.Equal("sent while blocked", waiter.ReadReply());
        Assert.Equal("(nil array)", waiter.Execute("BLPOP", "pipe:l", "0.05"));
    }

    [Fact]
    public void PushThenPopInsideExecLeavesTheWaiterBlocked()
    {
        using RawClient waiter = _server.Raw();
        using RawClient writer = _server.Raw();
        Block(waiter, 1, "BLPOP", "pp:l", "0");
        writer.Execute("MULTI");
        writer.Execute("RPUSH", "pp:l", "a");
        writer.Execute("RPOP", "pp:l");
        Assert.Equal("[:1, a]", writer.Execute("EXEC"));
        Thread.Sleep(50);
        Assert.Equal(1, StoreInspection.BlockedClients(_server));
        writer.Execute("RPUSH", "pp:l", "b");
        Assert.Equal("[pp:l, b]", waiter.ReadReply());
    }

    [Fact]
    public void BlockedClientInAnotherDatabaseIsServedFromItsOwnDatabase()
    {
        using RawClient waiter = _server.Raw();
        using RawClient pusher = _server.Raw();
        Assert.Equal("+OK", waiter.Execute("SELECT", "3"));
        Block(waiter, 1, "BLPOP", "db:l", "0");
        pusher.Execute("RPUSH", "db:l", "db0");
        Thread.Sleep(50);
        Assert.Equal(1, StoreInspection.BlockedClients(_server));
        pusher.Execute("SELECT", "3");
        pusher.Execute("RPUSH", "db:l", "db3");
        Assert.Equal("[db:l, db3]", waiter.ReadReply());
        pusher.Execute("SELECT", "0");
        Assert.Equal("db0", pusher.Execute("LPOP", "db:l"));
    }
}
