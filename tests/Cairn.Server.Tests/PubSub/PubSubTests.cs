using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.PubSub;

public sealed class PubSubTests : IClassFixture<PubSubTests.Fixture>
{
    private readonly TestServer _server;

    public PubSubTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void SubscribeConfirmsAndReceivesPublishedMessages()
    {
        using RawClient subscriber = _server.Raw();
        using RawClient publisher = _server.Raw();
        Assert.Equal("[subscribe, news, :1]", subscriber.Execute("SUBSCRIBE", "news"));
        Assert.Equal("[psubscribe, n*, :2]", subscriber.Execute("PSUBSCRIBE", "n*"));
        Assert.Equal(":2", publisher.Execute("PUBLISH", "news", "hello"));
        Assert.Equal("[message, news, hello]", subscriber.ReadReply());
        Assert.Equal("[pmessage, n*, news, hello]", subscriber.ReadReply());
    }

    [Fact]
    public void Resp2SubscribedClientMayOnlyRunSubscribeFamily()
    {
        using RawClient subscriber = _server.Raw();
        subscriber.Execute("SUBSCRIBE", "ch-only");
        Assert.Equal("-ERR Can't execute 'echo': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            subscriber.Execute("ECHO", "x"));
        Assert.Equal("[pong, ]", subscriber.Execute("PING"));
        Assert.Equal("[unsubscribe, ch-only, :0]", subscriber.Execute("UNSUBSCRIBE"));
        Assert.Equal("x", subscriber.Execute("ECHO", "x"));
    }

    [Fact]
    public void Resp3SubscriberGetsPushFramesAndCanRunCommands()
    {
        using RawClient subscriber = _server.Raw();
        subscriber.Execute("HELLO", "3");
        Assert.Equal(">[subscribe, r3, :1]", subscriber.Execute("SUBSCRIBE", "r3"));
        Assert.Equal("y", subscriber.Execute("ECHO", "y"));
        using RawClient publisher = _server.Raw();
        publisher.Execute("PUBLISH", "r3", "m");
        Assert.Equal(">[message, r3, m]", subscriber.ReadReply());
    }

    [Fact]
    public void PubSubIntrospectionCountsSubscribers()
    {
        using RawClient a = _server.Raw();
        using RawClient b = _server.Raw();
        a.Execute("SUBSCRIBE", "intro-1");
        b.Execute("SUBSCRIBE", "intro-1");
        b.Execute("PSUBSCRIBE", "intro-*");
        using RawClient admin = _server.Raw();
        Assert.Equal("[intro-1, :2, intro-2, :0]", admin.Execute("PUBSUB", "NUMSUB", "intro-1", "intro-2"));
        Assert.Contains("intro-1", admin.Execute("PUBSUB", "CHANNELS", "intro-*"), StringComparison.Ordinal);
        Assert.NotEqual(":0", admin.Execute("PUBSUB", "NUMPAT"));
    }

    [Fact]
    public async Task StackExchangeRedisSubscriberReceivesMessages()
    {
        ISubscriber subscriber = _server.Multiplexer.GetSubscriber();
        var received = new TaskCompletionSource<string>();
        await subscriber.SubscribeAsync(RedisChannel.Literal("se-channel"), (_, message) => received.TrySetResult(message!));
        long receivers = await _server.Database().PublishAsync(RedisChannel.Literal("se-channel"), "payload");
        Assert.Equal(1, receivers);
        Assert.Equal("payload", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task SlowSubscriberIsDisconnectedAtItsOutputLimitWhileOthersCarryOn()
    {
        using var server = new TestServer(c => c.Apply("client-output-buffer-limit", "pubsub 256kb 128kb 60", atStartup: true));
        using RawClient slow = server.Raw();
        slow.Execute("SUBSCRIBE", "flood");
        using RawClient fast = server.Raw();
        fast.Execute("SUBSCRIBE", "flood");
        using RawClient publisher = server.Raw();
        string payload = new('p', 16 * 1024);
        // The slow subscriber never reads; the fast one keeps reading in the background, and the publisher never gets more
        // than 8 messages (128 KB) ahead of it, so a reader slowed by a loaded machine stays under the 256 KB hard limit.
        int read = 0;
        var reader = Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                fast.ReadReply();
                Volatile.Write(ref read, i + 1);
            }
        });
        for (int i = 0; i < 2000; i++)
        {
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref read) >= i - 8 || reader.IsCompleted, TimeSpan.FromSeconds(30)),
                "the fast subscriber stopped reading");
            publisher.Execute("PUBLISH", "flood", payload);
        }
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(slow.IsClosedByServer(), "the slow subscriber should have been disconnected");
        Assert.Equal("+PONG", publisher.Execute("PING"));
        Assert.True(server.Context.Stats.ClientOutputBufferLimitDisconnections >= 1);
    }
}
