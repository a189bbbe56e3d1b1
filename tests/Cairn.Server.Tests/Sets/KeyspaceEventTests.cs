using Cairn.Commands.Clients;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Sets;

/// <summary>The keyspace events set and sorted-set commands raise, in Redis's order (keyevent channel).</summary>
public sealed class KeyspaceEventTests : IClassFixture<KeyspaceEventTests.Fixture>
{
    private readonly TestServer _server;

    public KeyspaceEventTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new(config => config.Apply("notify-keyspace-events", "KEA", atStartup: true));

        public void Dispose() => Server.Dispose();
    }

    /// <summary>A raw client subscribed to every keyevent channel (no SUBSCRIBE command in this branch: registered directly).</summary>
    private RawClient Listener()
    {
        RawClient listener = _server.Raw();
        long id = long.Parse(listener.Execute("CLIENT", "ID")[1..], System.Globalization.CultureInfo.InvariantCulture);
        lock (_server.Context.Store.Lock)
        {
            Client client = _server.Context.Clients.Find(id)!;
            _server.Context.PubSub.PatternSubscribe(client, "__keyevent@0__:*"u8.ToArray());
        }
        return listener;
    }

    private static List<string> ReadEvents(RawClient listener, int count)
    {
        var events = new List<string>();
        for (int i = 0; i < count; i++)
        {
            // [pmessage, pattern, __keyevent@0__:<event>, <key>]
            string[] parts = listener.ReadReply().Trim('[', ']').Split(", ");
            events.Add(parts[2]["__keyevent@0__:".Length..] + " " + parts[3]);
        }
        return events;
    }

    [Fact]
    public void SetCommandsRaiseRedisEvents()
    {
        using RawClient listener = Listener();
        using RawClient client = _server.Raw();
        client.Execute("SADD", "ev:s", "a", "b");
        client.Execute("SADD", "ev:s", "a");
        client.Execute("SREM", "ev:s", "a", "b");
        client.Execute("SADD", "ev:s1", "x", "y");
        client.Execute("SMOVE", "ev:s1", "ev:s2", "x");
        client.Execute("SINTERSTORE", "ev:dst", "ev:s1");
        client.Execute("SUNIONSTORE", "ev:dst", "ev:none");
        client.Execute("SPOP", "ev:s2");
        client.Execute("SDIFFSTORE", "ev:dst", "ev:s1");
        Assert.Equal(
            [
                "sadd ev:s", "srem ev:s", "del ev:s", "sadd ev:s1", "srem ev:s1", "sadd ev:s2", "sinterstore ev:dst",
                "del ev:dst", "spop ev:s2", "del ev:s2", "sdiffstore ev:dst",
            ],
            ReadEvents(listener, 11));
    }

    [Fact]
    public void SortedSetCommandsRaiseRedisEvents()
    {
        using RawClient listener = Listener();
        using RawClient client = _server.Raw();
        client.Execute("ZADD", "ev:z", "1", "a", "2", "b", "3", "c");
        client.Execute("ZADD", "ev:z", "1", "a");
        client.Execute("ZINCRBY", "ev:z", "5", "a");
        client.Execute("ZREM", "ev:z", "b");
        client.Execute("ZREMRANGEBYSCORE", "ev:z", "3", "3");
        client.Execute("ZUNIONSTORE", "ev:zd", "1", "ev:z");
        client.Execute("ZRANGESTORE", "ev:zd2", "ev:z", "0", "-1");
        client.Execute("ZPOPMAX", "ev:z");
        client.Execute("ZREMRANGEBYRANK", "ev:zd", "0", "-1");
        Assert.Equal(
            [
                "zadd ev:z", "zincr ev:z", "zrem ev:z", "zremrangebyscore ev:z", "zunionstore ev:zd", "zrangestore ev:zd2",
                "zpopmax ev:z", "del ev:z", "zremrangebyrank ev:zd", "del ev:zd",
            ],
            ReadEvents(listener, 10));
    }
}
