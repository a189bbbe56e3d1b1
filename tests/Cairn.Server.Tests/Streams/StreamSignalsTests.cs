using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Streams;

/// <summary>Keyspace events by Redis's names, WATCH invalidation and RESP3 reply shapes.</summary>
public sealed class StreamSignalsTests
{
    [Fact]
    public void StreamCommandsPublishRedisEventNames()
    {
        using var server = new TestServer();
        using RawClient subscriber = server.Raw();
        using RawClient c = server.Raw();
        Assert.Equal("+OK", c.Execute("CONFIG", "SET", "notify-keyspace-events", "Et"));
        subscriber.Execute("PSUBSCRIBE", "__keyevent@0__:*");
        c.Execute("XADD", "ev", "MAXLEN", "1", "1-1", "f", "v");
        c.Execute("XADD", "ev", "MAXLEN", "1", "1-2", "f", "v");
        c.Execute("XDEL", "ev", "1-2");
        c.Execute("XGROUP", "CREATE", "ev", "g", "0");
        c.Execute("XGROUP", "CREATECONSUMER", "ev", "g", "c");
        c.Execute("XGROUP", "SETID", "ev", "g", "0");
        c.Execute("XGROUP", "DELCONSUMER", "ev", "g", "c");
        c.Execute("XGROUP", "DESTROY", "ev", "g");
        c.Execute("XSETID", "ev", "5-0");
        string[] expected = ["xadd", "xadd", "xtrim", "xdel", "xgroup-create", "xgroup-createconsumer", "xgroup-setid", "xgroup-delconsumer", "xgroup-destroy", "xsetid"];
        foreach (string name in expected)
        {
            Assert.Equal($"[pmessage, __keyevent@0__:*, __keyevent@0__:{name}, ev]", subscriber.ReadReply());
        }
    }

    [Fact]
    public void XaddBreaksWatch()
    {
        using var server = new TestServer();
        using RawClient c = server.Raw();
        using RawClient other = server.Raw();
        c.Execute("XADD", "w", "1-1", "f", "v");
        c.Execute("WATCH", "w");
        other.Execute("XADD", "w", "1-2", "f", "v");
        c.Execute("MULTI");
        c.Execute("XLEN", "w");
        Assert.Equal("(nil array)", c.Execute("EXEC"));
    }

    [Fact]
    public void Resp3RepliesUseMaps()
    {
        using var server = new TestServer();
        using RawClient c = server.Raw();
        c.Execute("HELLO", "3");
        c.Execute("XADD", "r3", "1-1", "f", "v");
        Assert.Equal("{r3: [[1-1, [f, v]]]}", c.Execute("XREAD", "STREAMS", "r3", "0"));
        Assert.StartsWith("{length: :1, radix-tree-keys: :1", c.Execute("XINFO", "STREAM", "r3"));
        Assert.Equal("(nil)", c.Execute("XREAD", "STREAMS", "r3", "$"));
    }
}
