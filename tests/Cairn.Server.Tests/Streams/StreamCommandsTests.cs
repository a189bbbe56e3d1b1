using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Streams;

public sealed class StreamCommandsTests : IClassFixture<StreamsFixture>
{
    private readonly TestServer _server;

    public StreamCommandsTests(StreamsFixture fixture)
    {
        _server = fixture.Server;
    }

    [Fact]
    public void XaddWithExplicitIdsRepliesTheIdAndKeepsOrder()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("1-1", c.Execute("XADD", "s-explicit", "1-1", "a", "1"));
        Assert.Equal("1-2", c.Execute("XADD", "s-explicit", "1-2", "b", "2"));
        Assert.Equal("5", c.Execute("XADD", "s-explicit", "5", "c", "3") == "5-0" ? "5" : "bad");
        Assert.Equal(":3", c.Execute("XLEN", "s-explicit"));
        Assert.Equal("[[1-1, [a, 1]], [1-2, [b, 2]], [5-0, [c, 3]]]", c.Execute("XRANGE", "s-explicit", "-", "+"));
        Assert.Equal("+stream", c.Execute("TYPE", "s-explicit"));
        Assert.Equal("stream", c.Execute("OBJECT", "ENCODING", "s-explicit"));
    }

    [Fact]
    public void XaddRejectsIdsNotAboveTheTopAndZero()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("-ERR The ID specified in XADD must be greater than 0-0", c.Execute("XADD", "s-err", "0-0", "f", "v"));
        Assert.Equal("(nil)", c.Execute("EXISTS", "s-err") == ":0" ? "(nil)" : "created");
        c.Execute("XADD", "s-err", "5-5", "f", "v");
        Assert.Equal("-ERR The ID specified in XADD is equal or smaller than the target stream top item", c.Execute("XADD", "s-err", "5-5", "f", "v"));
        Assert.Equal("-ERR The ID specified in XADD is equal or smaller than the target stream top item", c.Execute("XADD", "s-err", "4-9", "f", "v"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XADD", "s-err", "abc", "f", "v"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XADD", "s-err", "1-x", "f", "v"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XADD", "s-err", "-", "f", "v"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XADD", "s-err", "+", "f", "v"));
        Assert.Equal("-ERR wrong number of arguments for 'xadd' command", c.Execute("XADD", "s-err", "*", "f"));
        Assert.Equal("-ERR wrong number of arguments for 'xadd' command", c.Execute("XADD", "s-err", "*", "f", "v", "g"));
        Assert.Equal("-ERR wrong number of arguments for 'xadd' command", c.Execute("XADD", "s-err", "*"));
        Assert.Equal("-ERR wrong number of arguments for 'xadd' command", c.Execute("XADD", "s-err", "MAXLEN", "5"));
        Assert.Equal(":1", c.Execute("XLEN", "s-err"));
    }

    [Fact]
    public void XaddPartialIdGeneratesTheSequence()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("0-1", c.Execute("XADD", "s-partial", "0-*", "f", "v"));
        Assert.Equal("0-2", c.Execute("XADD", "s-partial", "0-*", "f", "v"));
        Assert.Equal("7-0", c.Execute("XADD", "s-partial", "7-*", "f", "v"));
        Assert.Equal("7-1", c.Execute("XADD", "s-partial", "7-*", "f", "v"));
        Assert.Equal("-ERR The ID specified in XADD is equal or smaller than the target stream top item", c.Execute("XADD", "s-partial", "6-*", "f", "v"));
        Assert.Equal("18446744073709551615-0", c.Execute("XADD", "s-partial", "18446744073709551615-*", "f", "v"));
    }

    [Fact]
    public void XaddAutoIdUsesTheClockAndNeverGoesBack()
    {
        using RawClient c = _server.Raw();
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string id = c.Execute("XADD", "s-auto", "*", "f", "v");
        long ms = long.Parse(id.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ms, before - 5, before + 5000);
        c.Execute("XADD", "s-future", "99999999999999-5", "f", "v");
        Assert.Equal("99999999999999-6", c.Execute("XADD", "s-future", "*", "f", "v"));
    }

    [Fact]
    public void XaddNoMkStreamDoesNotCreateTheKey()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("(nil)", c.Execute("XADD", "s-nomk", "NOMKSTREAM", "*", "f", "v"));
        Assert.Equal(":0", c.Execute("EXISTS", "s-nomk"));
        c.Execute("XADD", "s-nomk", "1-1", "f", "v");
        Assert.Equal("1-2", c.Execute("XADD", "s-nomk", "NOMKSTREAM", "1-2", "f", "v"));
    }

    [Fact]
    public void XaddAgainstAStringIsWrongType()
    {
        using RawClient c = _server.Raw();
        c.Execute("SET", "s-string", "x");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.Execute("XADD", "s-string", "*", "f", "v"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.Execute("XLEN", "s-string"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.Execute("XRANGE", "s-string", "-", "+"));
    }

    [Fact]
    public void XaddMaxLenExactTrimsToTheLength()
    {
        using RawClient c = _server.Raw();
        for (int i = 1; i <= 10; i++)
        {
            c.Execute("XADD", "s-maxlen", "MAXLEN", "3", i + "-0", "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(":3", c.Execute("XLEN", "s-maxlen"));
        Assert.Equal("[[8-0, [n, 8]], [9-0, [n, 9]], [10-0, [n, 10]]]", c.Execute("XRANGE", "s-maxlen", "-", "+"));
        Assert.Equal("11-0", c.Execute("XADD", "s-maxlen", "MAXLEN", "=", "1", "11-0", "n", "11"));
        Assert.Equal(":1", c.Execute("XLEN", "s-maxlen"));
    }

    [Fact]
    public void ApproximateTrimmingRemovesOnlyWholeNodesAndNeverTooMuch()
    {
        using RawClient c = _server.Raw();
        for (int i = 1; i <= 350; i++)
        {
            c.Execute("XADD", "s-approx", i + "-0", "f", "v");
        }
        Assert.Equal(":0", c.Execute("XTRIM", "s-approx", "MAXLEN", "~", "300"));
        Assert.Equal(":100", c.Execute("XTRIM", "s-approx", "MAXLEN", "~", "200"));
        Assert.Equal(":250", c.Execute("XLEN", "s-approx"));
        Assert.Equal(":0", c.Execute("XTRIM", "s-approx", "MAXLEN", "~", "200", "LIMIT", "50"));
        Assert.Equal(":50", c.Execute("XTRIM", "s-approx", "MAXLEN", "=", "200"));
        Assert.Equal(":200", c.Execute("XLEN", "s-approx"));
        Assert.Equal(":50", c.Execute("XTRIM", "s-approx", "MINID", "~", "260")); // the node 151..200, not the one holding 260
        Assert.Equal("[[201-0, [f, v]]]", c.Execute("XRANGE", "s-approx", "-", "+", "COUNT", "1"));
        Assert.Equal(":59", c.Execute("XTRIM", "s-approx", "MINID", "260"));
        Assert.Equal("[[260-0, [f, v]]]", c.Execute("XRANGE", "s-approx", "-", "+", "COUNT", "1"));
    }

    [Fact]
    public void TrimOptionErrorsMatchRedis()
    {
        using RawClient c = _server.Raw();
        c.Execute("XADD", "s-trimerr", "1-1", "f", "v");
        Assert.Equal("-ERR syntax error, LIMIT cannot be used without the special ~ option", c.Execute("XTRIM", "s-trimerr", "MAXLEN", "1", "LIMIT", "10"));
        Assert.Equal("-ERR syntax error, LIMIT cannot be used without the special ~ option", c.Execute("XADD", "s-trimerr", "MAXLEN", "=", "1", "LIMIT", "10", "*", "f", "v"));
        Assert.Equal("-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy", c.Execute("XTRIM", "s-trimerr", "LIMIT", "10"));
        Assert.Equal("-ERR syntax error, XTRIM must be called with a trimming strategy", c.Execute("XTRIM", "s-trimerr", "LIMIT", "0"));
        Assert.Equal("-ERR The MAXLEN argument must be >= 0.", c.Execute("XTRIM", "s-trimerr", "MAXLEN", "-1"));
        Assert.Equal("-ERR The LIMIT argument must be >= 0.", c.Execute("XTRIM", "s-trimerr", "MAXLEN", "~", "1", "LIMIT", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("XTRIM", "s-trimerr", "MAXLEN", "x"));
        Assert.Equal("-ERR syntax error", c.Execute("XTRIM", "s-trimerr", "FOO", "1"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XTRIM", "s-trimerr", "MINID", "x"));
        Assert.Equal(":0", c.Execute("XTRIM", "s-missing", "MAXLEN", "0"));
        Assert.Equal(":1", c.Execute("XTRIM", "s-trimerr", "MAXLEN", "0"));
        Assert.Equal(":1", c.Execute("EXISTS", "s-trimerr")); // an emptied stream stays, as in Redis
    }

    [Fact]
    public void XrangeAndXrevrangeHonourBoundsCountAndExclusion()
    {
        using RawClient c = _server.Raw();
        for (int i = 1; i <= 5; i++)
        {
            c.Execute("XADD", "s-range", "1-" + i, "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal("[[1-2, [i, 2]], [1-3, [i, 3]]]", c.Execute("XRANGE", "s-range", "1-2", "1-3"));
        Assert.Equal("[[1-3, [i, 3]], [1-4, [i, 4]]]", c.Execute("XRANGE", "s-range", "(1-2", "(1-5"));
        Assert.Equal("[[1-1, [i, 1]], [1-2, [i, 2]]]", c.Execute("XRANGE", "s-range", "-", "+", "COUNT", "2"));
        Assert.Equal("[[1-5, [i, 5]], [1-4, [i, 4]]]", c.Execute("XREVRANGE", "s-range", "+", "-", "COUNT", "2"));
        Assert.Equal("[[1-4, [i, 4]], [1-3, [i, 3]]]", c.Execute("XREVRANGE", "s-range", "(1-5", "(1-2"));
        Assert.Equal(5, c.Execute("XRANGE", "s-range", "1", "1").Split("[i,").Length - 1);
        Assert.Equal("[]", c.Execute("XRANGE", "s-range", "1-4", "1-2"));
        Assert.Equal("(nil array)", c.Execute("XRANGE", "s-range", "-", "+", "COUNT", "0"));
        Assert.Equal("[]", c.Execute("XRANGE", "s-none", "-", "+"));
        Assert.Equal("-ERR invalid start ID for the interval", c.Execute("XRANGE", "s-range", "(18446744073709551615-18446744073709551615", "+"));
        Assert.Equal("-ERR invalid end ID for the interval", c.Execute("XRANGE", "s-range", "-", "(0-0"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XRANGE", "s-range", "(-", "+"));
        Assert.Equal("-ERR syntax error", c.Execute("XRANGE", "s-range", "-", "+", "LIMIT", "1"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("XRANGE", "s-range", "-", "+", "COUNT", "x"));
    }

    [Fact]
    public void XdelRemovesEntriesAndRecordsTheMaxDeletedId()
    {
        using RawClient c = _server.Raw();
        for (int i = 1; i <= 3; i++)
        {
            c.Execute("XADD", "s-del", "1-" + i, "f", "v");
        }
        Assert.Equal(":2", c.Execute("XDEL", "s-del", "1-2", "1-3", "9-9"));
        Assert.Equal(":0", c.Execute("XDEL", "s-del", "1-2"));
        Assert.Equal(":1", c.Execute("XLEN", "s-del"));
        Assert.Equal(":0", c.Execute("XDEL", "s-nothing", "1-1"));
        Assert.Equal(":0", c.Execute("XDEL", "s-nothing", "not-an-id"));
        Assert.Equal("-ERR Invalid stream ID specified as stream command argument", c.Execute("XDEL", "s-del", "x"));
        string info = c.Execute("XINFO", "STREAM", "s-del");
        Assert.Contains("max-deleted-entry-id, 1-3", info);
        Assert.Contains("last-generated-id, 1-3", info);
        Assert.Contains("entries-added, :3", info);
        Assert.Equal("-ERR The ID specified in XADD is equal or smaller than the target stream top item", c.Execute("XADD", "s-del", "1-3", "f", "v"));
    }

    [Fact]
    public void XsetidMovesTheTopAndValidates()
    {
        using RawClient c = _server.Raw();
        c.Execute("XADD", "s-setid", "5-0", "f", "v");
        Assert.Equal("-ERR The ID specified in XSETID is smaller than the target stream top item", c.Execute("XSETID", "s-setid", "4-0"));
        Assert.Equal("+OK", c.Execute("XSETID", "s-setid", "10-0", "ENTRIESADDED", "7", "MAXDELETEDID", "3-0"));
        Assert.Equal("-ERR The ID specified in XADD is equal or smaller than the target stream top item", c.Execute("XADD", "s-setid", "9-0", "f", "v"));
        Assert.Contains("entries-added, :7", c.Execute("XINFO", "STREAM", "s-setid"));
        Assert.Contains("max-deleted-entry-id, 3-0", c.Execute("XINFO", "STREAM", "s-setid"));
        Assert.Equal("10-1", c.Execute("XADD", "s-setid", "10-*", "f", "v"));
        Assert.Equal("-ERR no such key", c.Execute("XSETID", "s-nokey", "1-0"));
        Assert.Equal("-ERR The entries_added specified in XSETID is smaller than the target stream length", c.Execute("XSETID", "s-setid", "20-0", "ENTRIESADDED", "1"));
        Assert.Equal("-ERR entries_added must be positive", c.Execute("XSETID", "s-setid", "20-0", "ENTRIESADDED", "-1"));
        Assert.Equal("-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id", c.Execute("XSETID", "s-setid", "20-0", "MAXDELETEDID", "30-0"));
        Assert.Equal("-ERR The ID specified in XSETID is smaller than current max_deleted_entry_id", c.Execute("XSETID", "s-setid", "2-0"));
        Assert.Equal("-ERR syntax error", c.Execute("XSETID", "s-setid", "20-0", "FOO"));
    }

    [Fact]
    public void StackExchangeRedisStreamApisWork()
    {
        IDatabase db = _server.Database();
        RedisValue id1 = db.StreamAdd("s-se", "name", "one", "1-0");
        RedisValue id2 = db.StreamAdd("s-se", [new NameValueEntry("a", "1"), new NameValueEntry("b", "2")], "2-0");
        Assert.Equal("1-0", id1);
        Assert.Equal("2-0", id2);
        StreamEntry[] all = db.StreamRange("s-se");
        Assert.Equal(2, all.Length);
        Assert.Equal("one", all[0]["name"]);
        Assert.Equal("2", all[1]["b"]);
        StreamEntry[] reversed = db.StreamRange("s-se", messageOrder: Order.Descending);
        Assert.Equal("2-0", reversed[0].Id);
        Assert.Equal(2, db.StreamLength("s-se"));
        StreamEntry[] read = db.StreamRead("s-se", "1-0");
        Assert.Single(read);
        Assert.Equal(1, db.StreamDelete("s-se", ["1-0"]));
        Assert.Equal(1, db.StreamTrim("s-se", 0));
        StreamInfo info = db.StreamInfo("s-se");
        Assert.Equal(0, info.Length);
        Assert.Equal("2-0", info.LastGeneratedId);
    }

    [Fact]
    public void XinfoStreamReportsRedis7Fields()
    {
        using RawClient c = _server.Raw();
        c.Execute("XADD", "s-info", "1-1", "a", "1");
        c.Execute("XADD", "s-info", "1-2", "b", "2");
        Assert.Equal(
            "[length, :2, radix-tree-keys, :1, radix-tree-nodes, :2, last-generated-id, 1-2, max-deleted-entry-id, 0-0, entries-added, :2, recorded-first-entry-id, 1-1, groups, :0, first-entry, [1-1, [a, 1]], last-entry, [1-2, [b, 2]]]",
            c.Execute("XINFO", "STREAM", "s-info"));
        Assert.Equal("-ERR no such key", c.Execute("XINFO", "STREAM", "s-info-missing"));
        Assert.Equal("-ERR syntax error", c.Execute("XINFO", "STREAM", "s-info", "BOGUS"));
        Assert.Equal(
            "[length, :2, radix-tree-keys, :1, radix-tree-nodes, :2, last-generated-id, 1-2, max-deleted-entry-id, 0-0, entries-added, :2, recorded-first-entry-id, 1-1, entries, [[1-1, [a, 1]]], groups, []]",
            c.Execute("XINFO", "STREAM", "s-info", "FULL", "COUNT", "1"));
        Assert.Equal("-ERR unknown subcommand 'NOPE'. Try XINFO HELP.", c.Execute("XINFO", "NOPE"));
        Assert.Contains("GROUPS <key>", c.Execute("XINFO", "HELP"));
        Assert.Contains("CREATECONSUMER <key> <groupname> <consumer>", c.Execute("XGROUP", "HELP"));
        Assert.Equal("-ERR wrong number of arguments for 'xinfo|groups' command", c.Execute("XINFO", "GROUPS"));
    }

    [Fact]
    public void MemoryUsageGrowsAndShrinksWithEntries()
    {
        using RawClient c = _server.Raw();
        c.Execute("XADD", "s-mem", "1-1", "f", "v");
        long small = long.Parse(c.Execute("MEMORY", "USAGE", "s-mem")[1..], System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 2; i <= 200; i++)
        {
            c.Execute("XADD", "s-mem", "1-" + i, "field", new string('x', 100));
        }
        long large = long.Parse(c.Execute("MEMORY", "USAGE", "s-mem")[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(large > small + 200 * 100);
        c.Execute("XTRIM", "s-mem", "MAXLEN", "1");
        long trimmed = long.Parse(c.Execute("MEMORY", "USAGE", "s-mem")[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(trimmed < large / 10);
    }
}
