using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Streams;

public sealed class StreamGroupTests : IClassFixture<StreamsFixture>
{
    private readonly TestServer _server;

    public StreamGroupTests(StreamsFixture fixture)
    {
        _server = fixture.Server;
    }

    private static void Fill(RawClient c, string key, int count)
    {
        for (int i = 1; i <= count; i++)
        {
            c.Execute("XADD", key, "1-" + i, "f", "v" + i);
        }
    }

    [Fact]
    public void XgroupCreateNeedsTheKeyUnlessMkstreamAndRejectsDuplicates()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
            c.Execute("XGROUP", "CREATE", "g-create", "g", "$"));
        Assert.Equal("+OK", c.Execute("XGROUP", "CREATE", "g-create", "g", "$", "MKSTREAM"));
        Assert.Equal(":0", c.Execute("XLEN", "g-create"));
        Assert.Equal("+stream", c.Execute("TYPE", "g-create"));
        Assert.Equal("-BUSYGROUP Consumer Group name already exists", c.Execute("XGROUP", "CREATE", "g-create", "g", "0"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XGROUP", "CREATE", "g-create", "g2", "bad"));
        Assert.Equal("-ERR value for ENTRIESREAD must be positive or -1", c.Execute("XGROUP", "CREATE", "g-create", "g2", "0", "ENTRIESREAD", "-2"));
        Assert.Equal("+OK", c.Execute("XGROUP", "CREATE", "g-create", "g2", "0", "ENTRIESREAD", "0"));
        Assert.Equal("-ERR syntax error", c.Execute("XGROUP", "CREATE", "g-create", "g3", "0", "FOO"));
        Assert.Equal("-ERR wrong number of arguments for 'xgroup|create' command", c.Execute("XGROUP", "CREATE", "g-create", "g3"));
        c.Execute("SET", "g-string", "x");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.Execute("XGROUP", "CREATE", "g-string", "g", "$"));
    }

    [Fact]
    public void ConsumerGroupLifecycle()
    {
        using RawClient c = _server.Raw();
        Fill(c, "g-life", 3);
        Assert.Equal("+OK", c.Execute("XGROUP", "CREATE", "g-life", "grp", "0"));
        Assert.Equal(":1", c.Execute("XGROUP", "CREATECONSUMER", "g-life", "grp", "alice"));
        Assert.Equal(":0", c.Execute("XGROUP", "CREATECONSUMER", "g-life", "grp", "alice"));
        Assert.Equal("[[g-life, [[1-1, [f, v1]], [1-2, [f, v2]]]]]", c.Execute("XREADGROUP", "GROUP", "grp", "bob", "COUNT", "2", "STREAMS", "g-life", ">"));
        Assert.Equal("[[g-life, [[1-3, [f, v3]]]]]", c.Execute("XREADGROUP", "GROUP", "grp", "alice", "STREAMS", "g-life", ">"));
        Assert.Equal("(nil array)", c.Execute("XREADGROUP", "GROUP", "grp", "alice", "STREAMS", "g-life", ">"));
        Assert.Equal("[:3, 1-1, 1-3, [[alice, 1], [bob, 2]]]", c.Execute("XPENDING", "g-life", "grp"));
        Assert.Equal("[[g-life, [[1-1, [f, v1]], [1-2, [f, v2]]]]]", c.Execute("XREADGROUP", "GROUP", "grp", "bob", "STREAMS", "g-life", "0"));
        Assert.Equal(":1", c.Execute("XACK", "g-life", "grp", "1-1", "9-9"));
        Assert.Equal(":0", c.Execute("XACK", "g-life", "nogroup", "1-2"));
        Assert.Equal(":0", c.Execute("XACK", "g-life", "nogroup", "bad-id"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XACK", "g-life", "grp", "1-2", "bad-id"));
        Assert.StartsWith("[:2, ", c.Execute("XPENDING", "g-life", "grp")); // all or nothing: 1-2 was not acknowledged
        Assert.Equal("[[g-life, [[1-2, [f, v2]]]]]", c.Execute("XREADGROUP", "GROUP", "grp", "bob", "STREAMS", "g-life", "0"));
        string groups = c.Execute("XINFO", "GROUPS", "g-life");
        Assert.Equal("[[name, grp, consumers, :2, pending, :2, last-delivered-id, 1-3, entries-read, :3, lag, :0]]", groups);
        Assert.StartsWith("[[name, alice, pending, :1, idle, :", c.Execute("XINFO", "CONSUMERS", "g-life", "grp"));
        Assert.Equal(":1", c.Execute("XGROUP", "DELCONSUMER", "g-life", "grp", "bob"));
        Assert.Equal(":0", c.Execute("XGROUP", "DELCONSUMER", "g-life", "grp", "bob"));
        Assert.Equal("[:1, 1-3, 1-3, [[alice, 1]]]", c.Execute("XPENDING", "g-life", "grp"));
        Assert.Equal("+OK", c.Execute("XGROUP", "SETID", "g-life", "grp", "0", "ENTRIESREAD", "0"));
        Assert.Contains("entries-read, :0, lag, :3", c.Execute("XINFO", "GROUPS", "g-life"));
        Assert.Equal(":1", c.Execute("XGROUP", "DESTROY", "g-life", "grp"));
        Assert.Equal(":0", c.Execute("XGROUP", "DESTROY", "g-life", "grp"));
        Assert.Equal("-NOGROUP No such consumer group 'grp' for key name 'g-life'", c.Execute("XGROUP", "SETID", "g-life", "grp", "0"));
        Assert.Equal("-NOGROUP No such consumer group 'grp' for key name 'g-life'", c.Execute("XGROUP", "CREATECONSUMER", "g-life", "grp", "x"));
        Assert.Equal("-NOGROUP No such consumer group 'grp' for key name 'g-life'", c.Execute("XINFO", "CONSUMERS", "g-life", "grp"));
    }

    [Fact]
    public void XreadgroupErrorsMatchRedis()
    {
        using RawClient c = _server.Raw();
        Fill(c, "g-err", 1);
        Assert.Equal("-NOGROUP No such key 'g-err' or consumer group 'nope' in XREADGROUP with GROUP option", c.Execute("XREADGROUP", "GROUP", "nope", "c", "STREAMS", "g-err", ">"));
        Assert.Equal("-NOGROUP No such key 'g-missing' or consumer group 'nope' in XREADGROUP with GROUP option", c.Execute("XREADGROUP", "GROUP", "nope", "c", "STREAMS", "g-missing", ">"));
        c.Execute("XGROUP", "CREATE", "g-err", "grp", "0");
        Assert.StartsWith("-ERR The $ ID is meaningless in the context of XREADGROUP", c.Execute("XREADGROUP", "GROUP", "grp", "c", "STREAMS", "g-err", "$"));
        Assert.Equal("-ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.", c.Execute("XREADGROUP", "GROUP", "grp", "c", "STREAMS", "g-err", ">", "x"));
        Assert.Equal("-ERR Missing GROUP option for XREADGROUP", c.Execute("XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "g-err", ">"));
        Assert.Equal("-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.", c.Execute("XREAD", "GROUP", "g", "c", "STREAMS", "g-err", "0"));
        Assert.Equal("-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.", c.Execute("XREAD", "NOACK", "STREAMS", "g-err", "0"));
        Assert.Equal("-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.", c.Execute("XREAD", "STREAMS", "g-err", ">"));
        Assert.Equal("-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.", c.Execute("XREAD", "STREAMS", "g-err", "0", "x"));
        Assert.Equal("-ERR syntax error", c.Execute("XREAD", "COUNT", "1", "g-err", "0"));
        Assert.Equal("-ERR timeout is negative", c.Execute("XREAD", "BLOCK", "-1", "STREAMS", "g-err", "0"));
        Assert.Equal("-ERR timeout is not an integer or out of range", c.Execute("XREAD", "BLOCK", "x", "STREAMS", "g-err", "0"));
    }

    [Fact]
    public void NoackReadsDoNotEnterThePel()
    {
        using RawClient c = _server.Raw();
        Fill(c, "g-noack", 2);
        c.Execute("XGROUP", "CREATE", "g-noack", "grp", "0");
        Assert.Equal("[[g-noack, [[1-1, [f, v1]], [1-2, [f, v2]]]]]", c.Execute("XREADGROUP", "GROUP", "grp", "c", "NOACK", "STREAMS", "g-noack", ">"));
        Assert.Equal("[:0, (nil), (nil), (nil array)]", c.Execute("XPENDING", "g-noack", "grp"));
        Assert.Equal("[[g-noack, []]]", c.Execute("XREADGROUP", "GROUP", "grp", "c", "STREAMS", "g-noack", "0"));
    }

    [Fact]
    public void HistoryShowsDeletedEntriesAsNil()
    {
        using RawClient c = _server.Raw();
        Fill(c, "g-hist", 2);
        c.Execute("XGROUP", "CREATE", "g-hist", "grp", "0");
        c.Execute("XREADGROUP", "GROUP", "grp", "c", "STREAMS", "g-hist", ">");
        c.Execute("XDEL", "g-hist", "1-1");
        Assert.Equal("[[g-hist, [[1-1, (nil array)], [1-2, [f, v2]]]]]", c.Execute("XREADGROUP", "GROUP", "grp", "c", "STREAMS", "g-hist", "0"));
        Assert.Contains("entries-read, :2, lag, :0", c.Execute("XINFO", "GROUPS", "g-hist"));
    }

    [Fact]
    public void XpendingExtendedFiltersByRangeConsumerAndIdle()
    {
        using RawClient c = _server.Raw();
        Fill(c, "g-pend", 4);
        c.Execute("XGROUP", "CREATE", "g-pend", "grp", "0");
        c.Execute("XREADGROUP", "GROUP", "grp", "a", "COUNT", "2", "STREAMS", "g-pend", ">");
        c.Execute("XREADGROUP", "GROUP", "grp", "b", "STREAMS", "g-pend", ">");
        string all = c.Execute("XPENDING", "g-pend", "grp", "-", "+", "10");
        Assert.Matches(@"^\[\[1-1, a, :\d+, :1\], \[1-2, a, :\d+, :1\], \[1-3, b, :\d+, :1\], \[1-4, b, :\d+, :1\]\]$", all);
        Assert.Matches(@"^\[\[1-3, b, :\d+, :1\]\]$", c.Execute("XPENDING", "g-pend", "grp", "(1-2", "+", "1"));
        Assert.Matches(@"^\[\[1-3, b, :\d+, :1\], \[1-4, b, :\d+, :1\]\]$", c.Execute("XPENDING", "g-pend", "grp", "-", "+", "10", "b"));
        Assert.Equal("[]", c.Execute("XPENDING", "g-pend", "grp", "IDLE", "100000", "-", "+", "10"));
        Assert.Equal("[]", c.Execute("XPENDING", "g-pend", "grp", "-", "+", "10", "nobody"));
        Assert.Equal("-ERR syntax error", c.Execute("XPENDING", "g-pend", "grp", "-"));
        Assert.Equal("-ERR syntax error", c.Execute("XPENDING", "g-pend", "grp", "IDLE", "10", "-", "+"));
        Assert.Equal("-NOGROUP No such key 'g-pend' or consumer group 'zzz'", c.Execute("XPENDING", "g-pend", "zzz"));
        Assert.Equal("-NOGROUP No such key 'g-none' or consumer group 'grp'", c.Execute("XPENDING", "g-none", "grp"));
    }

    [Fact]
    public void XclaimMovesOwnershipWithOptions()
    {
        using RawClient c = _server.Raw();
        Fill(c, "g-claim", 3);
        c.Execute("XGROUP", "CREATE", "g-claim", "grp", "0");
        c.Execute("XREADGROUP", "GROUP", "grp", "a", "STREAMS", "g-claim", ">");
        Assert.Equal("[]", c.Execute("XCLAIM", "g-claim", "grp", "b", "100000", "1-1"));
        Assert.Equal("[[1-1, [f, v1]]]", c.Execute("XCLAIM", "g-claim", "grp", "b", "0", "1-1"));
        Assert.Matches(@"^\[\[1-1, b, :\d+, :2\]\]$", c.Execute("XPENDING", "g-claim", "grp", "1-1", "1-1", "1"));
        Assert.Equal("[1-2]", c.Execute("XCLAIM", "g-claim", "grp", "b", "0", "1-2", "JUSTID"));
        Assert.Matches(@"^\[\[1-2, b, :\d+, :1\]\]$", c.Execute("XPENDING", "g-claim", "grp", "1-2", "1-2", "1"));
        Assert.Equal("[1-3]", c.Execute("XCLAIM", "g-claim", "grp", "c", "0", "1-3", "RETRYCOUNT", "7", "IDLE", "5000", "JUSTID"));
        string pending = c.Execute("XPENDING", "g-claim", "grp", "1-3", "1-3", "1");
        Assert.Matches(@"^\[\[1-3, c, :\d+, :7\]\]$", pending);
        Assert.True(long.Parse(pending.Split(", ")[2][1..], System.Globalization.CultureInfo.InvariantCulture) >= 5000);
        c.Execute("XACK", "g-claim", "grp", "1-3");
        Assert.Equal("[]", c.Execute("XCLAIM", "g-claim", "grp", "c", "0", "1-3"));
        Assert.Equal("[1-3]", c.Execute("XCLAIM", "g-claim", "grp", "c", "0", "1-3", "FORCE", "JUSTID", "LASTID", "1-3"));
        Assert.Equal("-ERR Invalid min-idle-time argument for XCLAIM", c.Execute("XCLAIM", "g-claim", "grp", "c", "x", "1-3"));
        Assert.Equal("-ERR Unrecognized XCLAIM option 'BOGUS'", c.Execute("XCLAIM", "g-claim", "grp", "c", "0", "1-3", "BOGUS"));
        Assert.Equal("-NOGROUP No such key 'g-claim' or consumer group 'zz'", c.Execute("XCLAIM", "g-claim", "zz", "c", "0", "1-3"));
        c.Execute("XDEL", "g-claim", "1-1");
        Assert.Equal("[]", c.Execute("XCLAIM", "g-claim", "grp", "c", "0", "1-1"));
        Assert.Equal("[]", c.Execute("XPENDING", "g-claim", "grp", "1-1", "1-1", "1"));
    }

    [Fact]
    public void XautoclaimScansWithACursorAndReportsDeletedIds()
    {
        using RawClient c = _server.Raw();
        Fill(c, "g-auto", 5);
        c.Execute("XGROUP", "CREATE", "g-auto", "grp", "0");
        c.Execute("XREADGROUP", "GROUP", "grp", "a", "STREAMS", "g-auto", ">");
        c.Execute("XDEL", "g-auto", "1-2");
        Assert.Equal("[1-3, [[1-1, [f, v1]]], [1-2]]", c.Execute("XAUTOCLAIM", "g-auto", "grp", "b", "0", "0", "COUNT", "2"));
        Assert.Equal("[0-0, [1-3, 1-4, 1-5], []]", c.Execute("XAUTOCLAIM", "g-auto", "grp", "b", "0", "1-3", "JUSTID"));
        Assert.Equal("[0-0, [], []]", c.Execute("XAUTOCLAIM", "g-auto", "grp", "b", "100000", "0"));
        Assert.Equal("[:4, 1-1, 1-5, [[b, 4]]]", c.Execute("XPENDING", "g-auto", "grp"));
        Assert.Equal("-ERR COUNT must be > 0", c.Execute("XAUTOCLAIM", "g-auto", "grp", "b", "0", "0", "COUNT", "0"));
        Assert.Equal("-ERR Invalid min-idle-time argument for XAUTOCLAIM", c.Execute("XAUTOCLAIM", "g-auto", "grp", "b", "x", "0"));
        Assert.Equal("-ERR syntax error", c.Execute("XAUTOCLAIM", "g-auto", "grp", "b", "0", "0", "FOO"));
        Assert.Equal("-NOGROUP No such key 'g-auto' or consumer group 'zz'", c.Execute("XAUTOCLAIM", "g-auto", "zz", "b", "0", "0"));
    }

    [Fact]
    public void XinfoStreamFullShowsGroupsConsumersAndPending()
    {
        using RawClient c = _server.Raw();
        Fill(c, "g-full", 2);
        c.Execute("XGROUP", "CREATE", "g-full", "grp", "0");
        c.Execute("XREADGROUP", "GROUP", "grp", "a", "COUNT", "1", "STREAMS", "g-full", ">");
        string full = c.Execute("XINFO", "STREAM", "g-full", "FULL");
        Assert.Matches(@"groups, \[\[name, grp, last-delivered-id, 1-1, entries-read, :1, lag, :1, pel-count, :1, pending, \[\[1-1, a, :\d+, :1\]\], consumers, \[\[name, a, seen-time, :\d+, pel-count, :1, pending, \[\[1-1, :\d+, :1\]\]\]\]\]\]\]$", full);
    }

    [Fact]
    public void StackExchangeRedisConsumerGroupApisWork()
    {
        IDatabase db = _server.Database();
        Assert.True(db.StreamCreateConsumerGroup("g-se", "grp", "0-0", createStream: true));
        db.StreamAdd("g-se", "k", "v", "1-1");
        db.StreamAdd("g-se", "k", "w", "1-2");
        StreamEntry[] read = db.StreamReadGroup("g-se", "grp", "alice", ">", count: 1);
        Assert.Single(read);
        Assert.Equal("1-1", read[0].Id);
        StreamPendingInfo pending = db.StreamPending("g-se", "grp");
        Assert.Equal(1, pending.PendingMessageCount);
        Assert.Equal("alice", pending.Consumers[0].Name);
        StreamPendingMessageInfo[] messages = db.StreamPendingMessages("g-se", "grp", 10, RedisValue.Null);
        Assert.Equal("1-1", messages[0].MessageId);
        StreamEntry[] claimed = db.StreamClaim("g-se", "grp", "bob", 0, ["1-1"]);
        Assert.Equal("1-1", claimed[0].Id);
        Assert.Equal(1, db.StreamAcknowledge("g-se", "grp", "1-1"));
        StreamGroupInfo[] groups = db.StreamGroupInfo("g-se");
        Assert.Equal("grp", groups[0].Name);
        StreamConsumerInfo[] consumers = db.StreamConsumerInfo("g-se", "grp");
        Assert.Equal(2, consumers.Length);
        StreamAutoClaimResult auto = db.StreamAutoClaim("g-se", "grp", "carol", 0, "0-0");
        Assert.Empty(auto.ClaimedEntries);
        Assert.True(db.StreamDeleteConsumerGroup("g-se", "grp"));
    }
}
