using System.Globalization;
using Cairn.Commands.Clients;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Lists;

/// <summary>Keyspace notifications of list and hash writes, with Redis's event names and order.</summary>
public sealed class ListAndHashKeyspaceEventsTests : IDisposable
{
    private readonly TestServer _server = new(config => config.Find("notify-keyspace-events")!.Set("KEA"));

    public void Dispose() => _server.Dispose();

    /// <summary>A raw client subscribed to every key-event channel of db 0 (this branch has no SUBSCRIBE command).</summary>
    private RawClient Listen()
    {
        RawClient listener = _server.Raw();
        long id = long.Parse(listener.Execute("CLIENT", "ID")[1..], CultureInfo.InvariantCulture);
        using (_server.Context.Store.Lock.EnterScope())
        {
            Client client = _server.Context.Clients.Find(id)!;
            _server.Context.PubSub.PatternSubscribe(client, "__keyevent@0__:*"u8.ToArray());
        }
        return listener;
    }

    private static void Expect(RawClient listener, string eventName, string key) =>
        Assert.Equal($"[pmessage, __keyevent@0__:*, __keyevent@0__:{eventName}, {key}]", listener.ReadReply());

    [Fact]
    public void ListWritesNotifyRedisEventNames()
    {
        using RawClient listener = Listen();
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "ev:l", "a", "b");
        c.Execute("LPUSH", "ev:l", "c");
        c.Execute("LINSERT", "ev:l", "BEFORE", "a", "x");
        c.Execute("LSET", "ev:l", "0", "y");
        c.Execute("LREM", "ev:l", "0", "x");
        c.Execute("LREM", "ev:l", "0", "absent");
        c.Execute("LTRIM", "ev:l", "0", "1");
        c.Execute("LMOVE", "ev:l", "ev:m", "LEFT", "RIGHT");
        c.Execute("RPOP", "ev:l");
        c.Execute("LMPOP", "1", "ev:m", "LEFT");
        Expect(listener, "rpush", "ev:l");
        Expect(listener, "lpush", "ev:l");
        Expect(listener, "linsert", "ev:l");
        Expect(listener, "lset", "ev:l");
        Expect(listener, "lrem", "ev:l");
        Expect(listener, "ltrim", "ev:l");
        Expect(listener, "rpush", "ev:m");
        Expect(listener, "lpop", "ev:l");
        Expect(listener, "rpop", "ev:l");
        Expect(listener, "del", "ev:l");
        Expect(listener, "lpop", "ev:m");
        Expect(listener, "del", "ev:m");
    }

    [Fact]
    public void HashWritesNotifyRedisEventNames()
    {
        using RawClient listener = Listen();
        using RawClient c = _server.Raw();
        c.Execute("HSET", "ev:h", "f", "1");
        c.Execute("HSETNX", "ev:h", "f", "2");
        c.Execute("HSETNX", "ev:h", "g", "2");
        c.Execute("HINCRBY", "ev:h", "f", "2");
        c.Execute("HINCRBYFLOAT", "ev:h", "f", "0.5");
        c.Execute("HDEL", "ev:h", "absent");
        c.Execute("HDEL", "ev:h", "f", "g");
        Expect(listener, "hset", "ev:h");
        Expect(listener, "hset", "ev:h");
        Expect(listener, "hincrby", "ev:h");
        Expect(listener, "hincrbyfloat", "ev:h");
        Expect(listener, "hdel", "ev:h");
        Expect(listener, "del", "ev:h");
    }

    [Fact]
    public void ServedBlockedPopNotifiesLikeAPop()
    {
        using RawClient listener = Listen();
        using RawClient waiter = _server.Raw();
        using RawClient c = _server.Raw();
        waiter.SendCommand("BLPOP", "ev:b", "0");
        StoreInspection.WaitForBlockedClients(_server, 1);
        c.Execute("RPUSH", "ev:b", "v");
        Assert.Equal("[ev:b, v]", waiter.ReadReply());
        Expect(listener, "rpush", "ev:b");
        Expect(listener, "lpop", "ev:b");
        Expect(listener, "del", "ev:b");
    }
}
