using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Lists;

public sealed class ListCommandsTests : IClassFixture<ListCommandsTests.Fixture>
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
    private readonly TestServer _server;

    public ListCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void PushesReturnTheNewLengthAndKeepOrder()
    {
        using RawClient c = _server.Raw();
        Assert.Equal(":3", c.Execute("LPUSH", "push:l", "a", "b", "c"));
        Assert.Equal(":5", c.Execute("RPUSH", "push:l", "x", "y"));
        Assert.Equal("[c, b, a, x, y]", c.Execute("LRANGE", "push:l", "0", "-1"));
        Assert.Equal(":5", c.Execute("LLEN", "push:l"));
    }

    [Fact]
    public void PushXOnlyPushesToExistingLists()
    {
        using RawClient c = _server.Raw();
        Assert.Equal(":0", c.Execute("LPUSHX", "pushx:l", "a"));
        Assert.Equal(":0", c.Execute("RPUSHX", "pushx:l", "a", "b"));
        Assert.Null(StoreInspection.EncodingOf(_server, "pushx:l"));
        c.Execute("RPUSH", "pushx:l", "m");
        Assert.Equal(":3", c.Execute("LPUSHX", "pushx:l", "b", "a"));
        Assert.Equal(":4", c.Execute("RPUSHX", "pushx:l", "z"));
        Assert.Equal("[a, b, m, z]", c.Execute("LRANGE", "pushx:l", "0", "-1"));
    }

    [Fact]
    public void ListCommandsAgainstAStringReplyWrongType()
    {
        using RawClient c = _server.Raw();
        StoreInspection.SetString(_server, "wt:s", "v");
        string[][] commands =
        [
            ["LPUSH", "wt:s", "a"], ["RPUSH", "wt:s", "a"], ["LPUSHX", "wt:s", "a"], ["RPUSHX", "wt:s", "a"],
            ["LPOP", "wt:s"], ["RPOP", "wt:s", "2"], ["LLEN", "wt:s"], ["LRANGE", "wt:s", "0", "-1"], ["LINDEX", "wt:s", "0"],
            ["LSET", "wt:s", "0", "x"], ["LINSERT", "wt:s", "BEFORE", "a", "b"], ["LREM", "wt:s", "0", "a"],
            ["LTRIM", "wt:s", "0", "1"], ["LPOS", "wt:s", "a"], ["LMOVE", "wt:s", "wt:d", "LEFT", "RIGHT"],
            ["RPOPLPUSH", "wt:s", "wt:d"], ["LMPOP", "1", "wt:s", "LEFT"], ["BLPOP", "wt:s", "0.01"], ["BRPOP", "wt:s", "0.01"],
            ["BLMOVE", "wt:s", "wt:d", "LEFT", "LEFT", "0.01"], ["BRPOPLPUSH", "wt:s", "wt:d", "0.01"], ["BLMPOP", "0.01", "1", "wt:s", "LEFT"],
        ];
        foreach (string[] command in commands)
        {
            Assert.Equal(WrongType, c.Execute(command));
        }
    }

    [Fact]
    public void WrongNumberOfArgumentsUsesRedisText()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("-ERR wrong number of arguments for 'lpush' command", c.Execute("LPUSH", "arity:l"));
        Assert.Equal("-ERR wrong number of arguments for 'lpop' command", c.Execute("LPOP", "arity:l", "1", "2"));
        Assert.Equal("-ERR wrong number of arguments for 'linsert' command", c.Execute("LINSERT", "arity:l", "BEFORE", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'blpop' command", c.Execute("BLPOP", "arity:l"));
        Assert.Equal("-ERR wrong number of arguments for 'lmpop' command", c.Execute("LMPOP", "1", "arity:l"));
    }

    [Fact]
    public void PopWithoutCountReturnsOneElementAndDeletesTheEmptiedList()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "pop:l", "a", "b");
        Assert.Equal("a", c.Execute("LPOP", "pop:l"));
        Assert.Equal("b", c.Execute("RPOP", "pop:l"));
        Assert.Equal(":0", c.Execute("LLEN", "pop:l"));
        Assert.Null(StoreInspection.EncodingOf(_server, "pop:l"));
        Assert.Equal("(nil)", c.Execute("LPOP", "pop:l"));
        Assert.Equal("(nil)", c.Execute("RPOP", "pop:l"));
    }

    [Fact]
    public void PopWithCountRepliesArraysAndNullArrayForMissingKey()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "popc:l", "a", "b", "c", "d");
        Assert.Equal("[a, b]", c.Execute("LPOP", "popc:l", "2"));
        Assert.Equal("[d, c]", c.Execute("RPOP", "popc:l", "10"));
        Assert.Equal("(nil array)", c.Execute("LPOP", "popc:l", "2"));
        Assert.Equal("(nil array)", c.Execute("RPOP", "popc:l", "0"));
        c.Execute("RPUSH", "popc:l", "a");
        Assert.Equal("[]", c.Execute("LPOP", "popc:l", "0"));
        Assert.Equal(":1", c.Execute("LLEN", "popc:l"));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    public void PopCountMustBePositive(string count)
    {
        using RawClient c = _server.Raw();
        Assert.Equal("-ERR value is out of range, must be positive", c.Execute("LPOP", "popneg:l", count));
        Assert.Equal("-ERR value is out of range, must be positive", c.Execute("RPOP", "popneg:l", count));
    }

    [Fact]
    public void LRangeNormalisesIndicesAsRedis()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "range:l", "0", "1", "2", "3", "4");
        Assert.Equal("[1, 2]", c.Execute("LRANGE", "range:l", "1", "2"));
        Assert.Equal("[3, 4]", c.Execute("LRANGE", "range:l", "-2", "-1"));
        Assert.Equal("[0, 1, 2, 3, 4]", c.Execute("LRANGE", "range:l", "-100", "100"));
        Assert.Equal("[]", c.Execute("LRANGE", "range:l", "3", "1"));
        Assert.Equal("[]", c.Execute("LRANGE", "range:l", "5", "10"));
        Assert.Equal("[]", c.Execute("LRANGE", "range:missing", "0", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("LRANGE", "range:l", "a", "1"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("LRANGE", "range:missing", "0", "x"));
    }

    [Fact]
    public void LIndexReturnsElementOrNil()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "index:l", "a", "b", "c");
        Assert.Equal("a", c.Execute("LINDEX", "index:l", "0"));
        Assert.Equal("c", c.Execute("LINDEX", "index:l", "-1"));
        Assert.Equal("(nil)", c.Execute("LINDEX", "index:l", "3"));
        Assert.Equal("(nil)", c.Execute("LINDEX", "index:l", "-4"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("LINDEX", "index:l", "x"));
        // The key is looked up first: a missing key answers nil even for a bad index, as Redis.
        Assert.Equal("(nil)", c.Execute("LINDEX", "index:missing", "x"));
    }

    [Fact]
    public void LSetReplacesOrReportsNoSuchKeyAndOutOfRange()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("-ERR no such key", c.Execute("LSET", "lset:l", "0", "x"));
        c.Execute("RPUSH", "lset:l", "a", "b", "c");
        Assert.Equal("+OK", c.Execute("LSET", "lset:l", "0", "A"));
        Assert.Equal("+OK", c.Execute("LSET", "lset:l", "-1", "C"));
        Assert.Equal("-ERR index out of range", c.Execute("LSET", "lset:l", "3", "x"));
        Assert.Equal("-ERR index out of range", c.Execute("LSET", "lset:l", "-4", "x"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("LSET", "lset:l", "one", "x"));
        Assert.Equal("[A, b, C]", c.Execute("LRANGE", "lset:l", "0", "-1"));
    }

    [Fact]
    public void LInsertBeforeAndAfterPivot()
    {
        using RawClient c = _server.Raw();
        Assert.Equal(":0", c.Execute("LINSERT", "ins:l", "BEFORE", "a", "x"));
        c.Execute("RPUSH", "ins:l", "a", "b", "c");
        Assert.Equal(":4", c.Execute("LINSERT", "ins:l", "before", "b", "x"));
        Assert.Equal(":5", c.Execute("LINSERT", "ins:l", "AFTER", "c", "y"));
        Assert.Equal(":-1", c.Execute("LINSERT", "ins:l", "AFTER", "zz", "y"));
        Assert.Equal("-ERR syntax error", c.Execute("LINSERT", "ins:l", "MIDDLE", "a", "y"));
        Assert.Equal("-ERR syntax error", c.Execute("LINSERT", "ins:missing", "MIDDLE", "a", "y"));
        Assert.Equal("[a, x, b, c, y]", c.Execute("LRANGE", "ins:l", "0", "-1"));
    }

    [Fact]
    public void LRemRemovesFromHeadTailOrAll()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "lrem:l", "a", "x", "b", "x", "c", "x");
        Assert.Equal(":1", c.Execute("LREM", "lrem:l", "1", "x"));
        Assert.Equal("[a, b, x, c, x]", c.Execute("LRANGE", "lrem:l", "0", "-1"));
        Assert.Equal(":1", c.Execute("LREM", "lrem:l", "-1", "x"));
        Assert.Equal("[a, b, x, c]", c.Execute("LRANGE", "lrem:l", "0", "-1"));
        Assert.Equal(":0", c.Execute("LREM", "lrem:l", "0", "nothere"));
        Assert.Equal(":1", c.Execute("LREM", "lrem:l", "0", "x"));
        Assert.Equal(":0", c.Execute("LREM", "lrem:missing", "0", "x"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("LREM", "lrem:l", "x", "x"));
        c.Execute("RPUSH", "lrem:l", "m", "m");
        Assert.Equal(":2", c.Execute("LREM", "lrem:l", "-9223372036854775808", "m"));
        c.Execute("RPUSH", "lrem:only", "z", "z");
        Assert.Equal(":2", c.Execute("LREM", "lrem:only", "0", "z"));
        Assert.Null(StoreInspection.EncodingOf(_server, "lrem:only"));
    }

    [Fact]
    public void LTrimKeepsRangeAndDeletesWhenEmpty()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("+OK", c.Execute("LTRIM", "trim:missing", "0", "1"));
        c.Execute("RPUSH", "trim:l", "0", "1", "2", "3", "4");
        Assert.Equal("+OK", c.Execute("LTRIM", "trim:l", "1", "-2"));
        Assert.Equal("[1, 2, 3]", c.Execute("LRANGE", "trim:l", "0", "-1"));
        Assert.Equal("+OK", c.Execute("LTRIM", "trim:l", "-1", "100"));
        Assert.Equal("[3]", c.Execute("LRANGE", "trim:l", "0", "-1"));
        Assert.Equal("+OK", c.Execute("LTRIM", "trim:l", "1", "0"));
        Assert.Null(StoreInspection.EncodingOf(_server, "trim:l"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("LTRIM", "trim:l", "0", "b"));
    }

    [Fact]
    public void LPosFindsWithRankCountAndMaxLen()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "pos:l", "a", "b", "c", "1", "2", "3", "c", "c");
        Assert.Equal(":2", c.Execute("LPOS", "pos:l", "c"));
        Assert.Equal(":6", c.Execute("LPOS", "pos:l", "c", "RANK", "2"));
        Assert.Equal(":7", c.Execute("LPOS", "pos:l", "c", "RANK", "-1"));
        Assert.Equal(":6", c.Execute("LPOS", "pos:l", "c", "RANK", "-2"));
        Assert.Equal("(nil)", c.Execute("LPOS", "pos:l", "c", "RANK", "4"));
        Assert.Equal("[:2, :6]", c.Execute("LPOS", "pos:l", "c", "COUNT", "2"));
        Assert.Equal("[:2, :6, :7]", c.Execute("LPOS", "pos:l", "c", "COUNT", "0"));
        Assert.Equal("[:7, :6]", c.Execute("LPOS", "pos:l", "c", "RANK", "-1", "COUNT", "2"));
        Assert.Equal("[:6, :7]", c.Execute("LPOS", "pos:l", "c", "RANK", "2", "COUNT", "0"));
        Assert.Equal("[:2]", c.Execute("LPOS", "pos:l", "c", "COUNT", "0", "MAXLEN", "6"));
        Assert.Equal("(nil)", c.Execute("LPOS", "pos:l", "c", "MAXLEN", "2"));
        Assert.Equal("[]", c.Execute("LPOS", "pos:l", "zz", "COUNT", "0"));
        Assert.Equal("(nil)", c.Execute("LPOS", "pos:l", "zz"));
        Assert.Equal("(nil)", c.Execute("LPOS", "pos:missing", "c"));
        Assert.Equal("[]", c.Execute("LPOS", "pos:missing", "c", "COUNT", "1"));
    }

    [Fact]
    public void LPosArgumentErrorsMatchRedis()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "poserr:l", "a");
        Assert.Equal("-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
            c.Execute("LPOS", "poserr:l", "a", "RANK", "0"));
        Assert.Equal("-ERR COUNT can't be negative", c.Execute("LPOS", "poserr:l", "a", "COUNT", "-1"));
        Assert.Equal("-ERR MAXLEN can't be negative", c.Execute("LPOS", "poserr:l", "a", "MAXLEN", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("LPOS", "poserr:l", "a", "RANK", "x"));
        Assert.Equal("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            c.Execute("LPOS", "poserr:l", "a", "RANK", "-9223372036854775808"));
        Assert.Equal("-ERR syntax error", c.Execute("LPOS", "poserr:l", "a", "RANK"));
        Assert.Equal("-ERR syntax error", c.Execute("LPOS", "poserr:l", "a", "FOO", "1"));
        // Options are parsed before the key is looked up.
        Assert.Equal("-ERR syntax error", c.Execute("LPOS", "poserr:missing", "a", "FOO", "1"));
    }

    [Fact]
    public void LMoveMovesBetweenEndsAndCreatesDestination()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "move:src", "a", "b", "c");
        Assert.Equal("a", c.Execute("LMOVE", "move:src", "move:dst", "LEFT", "RIGHT"));
        Assert.Equal("c", c.Execute("LMOVE", "move:src", "move:dst", "RIGHT", "LEFT"));
        Assert.Equal("[c, a]", c.Execute("LRANGE", "move:dst", "0", "-1"));
        Assert.Equal("b", c.Execute("RPOPLPUSH", "move:src", "move:dst"));
        Assert.Equal("[b, c, a]", c.Execute("LRANGE", "move:dst", "0", "-1"));
        Assert.Null(StoreInspection.EncodingOf(_server, "move:src"));
        Assert.Equal("(nil)", c.Execute("LMOVE", "move:src", "move:dst", "LEFT", "LEFT"));
        Assert.Equal("(nil)", c.Execute("RPOPLPUSH", "move:src", "move:dst"));
        Assert.Equal("-ERR syntax error", c.Execute("LMOVE", "move:dst", "move:src", "UP", "LEFT"));
        Assert.Equal("-ERR syntax error", c.Execute("LMOVE", "move:dst", "move:src", "LEFT", "DOWN"));
    }

    [Fact]
    public void LMoveToTheSameListRotates()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "rot:l", "a", "b", "c");
        Assert.Equal("c", c.Execute("RPOPLPUSH", "rot:l", "rot:l"));
        Assert.Equal("[c, a, b]", c.Execute("LRANGE", "rot:l", "0", "-1"));
        c.Execute("RPUSH", "rot:one", "x");
        Assert.Equal("x", c.Execute("LMOVE", "rot:one", "rot:one", "LEFT", "RIGHT"));
        Assert.Equal("[x]", c.Execute("LRANGE", "rot:one", "0", "-1"));
    }

    [Fact]
    public void LMoveToAWrongTypeDestinationKeepsTheSource()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "movewt:src", "a");
        StoreInspection.SetString(_server, "movewt:dst", "string");
        Assert.Equal(WrongType, c.Execute("LMOVE", "movewt:src", "movewt:dst", "LEFT", "LEFT"));
        Assert.Equal(WrongType, c.Execute("RPOPLPUSH", "movewt:src", "movewt:dst"));
        Assert.Equal("[a]", c.Execute("LRANGE", "movewt:src", "0", "-1"));
    }

    [Fact]
    public void LMPopPopsFromTheFirstNonEmptyList()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "mpop:b", "1", "2", "3");
        Assert.Equal("[mpop:b, [1]]", c.Execute("LMPOP", "2", "mpop:a", "mpop:b", "LEFT"));
        Assert.Equal("[mpop:b, [3, 2]]", c.Execute("LMPOP", "2", "mpop:a", "mpop:b", "RIGHT", "COUNT", "5"));
        Assert.Equal("(nil array)", c.Execute("LMPOP", "2", "mpop:a", "mpop:b", "LEFT"));
        Assert.Null(StoreInspection.EncodingOf(_server, "mpop:b"));
    }

    [Fact]
    public void LMPopArgumentErrorsMatchRedis()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("-ERR numkeys should be greater than 0", c.Execute("LMPOP", "0", "k", "LEFT"));
        Assert.Equal("-ERR numkeys should be greater than 0", c.Execute("LMPOP", "x", "k", "LEFT"));
        Assert.Equal("-ERR syntax error", c.Execute("LMPOP", "2", "k", "LEFT"));
        Assert.Equal("-ERR syntax error", c.Execute("LMPOP", "1", "k", "MIDDLE"));
        Assert.Equal("-ERR count should be greater than 0", c.Execute("LMPOP", "1", "k", "LEFT", "COUNT", "0"));
        Assert.Equal("-ERR count should be greater than 0", c.Execute("LMPOP", "1", "k", "LEFT", "COUNT", "x"));
        Assert.Equal("-ERR syntax error", c.Execute("LMPOP", "1", "k", "LEFT", "COUNT", "1", "COUNT", "1"));
        Assert.Equal("-ERR syntax error", c.Execute("LMPOP", "1", "k", "LEFT", "COUNT"));
    }

    [Fact]
    public void BlockingPopsServeImmediatelyWhenDataIsThere()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "bnow:b", "1", "2");
        Assert.Equal("[bnow:b, 1]", c.Execute("BLPOP", "bnow:a", "bnow:b", "0"));
        Assert.Equal("[bnow:b, 2]", c.Execute("BRPOP", "bnow:a", "bnow:b", "0"));
        c.Execute("RPUSH", "bnow:a", "x", "y", "z");
        Assert.Equal("[bnow:a, [z, y]]", c.Execute("BLMPOP", "0", "1", "bnow:a", "RIGHT", "COUNT", "2"));
        Assert.Equal("x", c.Execute("BRPOPLPUSH", "bnow:a", "bnow:c", "0"));
        Assert.Equal("x", c.Execute("BLMOVE", "bnow:c", "bnow:d", "LEFT", "RIGHT", "0"));
    }

    [Fact]
    public void BlockingPopChecksTypesInKeyOrder()
    {
        using RawClient c = _server.Raw();
        StoreInspection.SetString(_server, "border:s", "x");
        c.Execute("RPUSH", "border:l", "1");
        // A non-empty list before the wrong-typed key serves; a wrong-typed key before it is an error.
        Assert.Equal("[border:l, 1]", c.Execute("BLPOP", "border:missing", "border:l", "border:s", "0"));
        c.Execute("RPUSH", "border:l", "1");
        Assert.Equal(WrongType, c.Execute("BLPOP", "border:missing", "border:s", "border:l", "0"));
    }

    [Theory]
    [InlineData("-1", "-ERR timeout is negative")]
    [InlineData("abc", "-ERR timeout is not a float or out of range")]
    [InlineData("1e400", "-ERR timeout is out of range")]
    [InlineData("inf", "-ERR timeout is out of range")]
    [InlineData("0x7FFFFFFFFFFFFF", "-ERR timeout is out of range")]
    [InlineData("9223372036854775807", "-ERR timeout is out of range")]
    public void BlockingTimeoutErrorsMatchRedis(string timeout, string expected)
    {
        using RawClient c = _server.Raw();
        Assert.Equal(expected, c.Execute("BLPOP", "bto:l", timeout));
        Assert.Equal(expected, c.Execute("BRPOPLPUSH", "bto:l", "bto:d", timeout));
        Assert.Equal(expected, c.Execute("BLMOVE", "bto:l", "bto:d", "LEFT", "LEFT", timeout));
        Assert.Equal(expected, c.Execute("BLMPOP", timeout, "1", "bto:l", "LEFT"));
    }

    [Fact]
    public void StackExchangeRedisSeesListReplies()
    {
        IDatabase db = _server.Database();
        Assert.Equal(3, db.ListRightPush("se:l", ["a", "b", "c"]));
        Assert.Equal(["a", "b", "c"], db.ListRange("se:l").Select(v => v.ToString()).ToArray());
        Assert.Equal("b", db.ListGetByIndex("se:l", 1));
        Assert.Equal(1, db.ListPosition("se:l", "b"));
        Assert.Equal(["a", "b"], db.ListLeftPop("se:l", 2).Select(v => v.ToString()).ToArray());
        Assert.Equal("c", db.ListMove("se:l", "se:d", ListSide.Left, ListSide.Right));
        Assert.Null(StoreInspection.EncodingOf(_server, "se:l"));
        Assert.Equal(1, db.ListLength("se:d"));
        ListPopResult popped = db.ListLeftPop(["se:none", "se:d"], 5);
        Assert.Equal("se:d", popped.Key);
        Assert.Equal(["c"], popped.Values.Select(v => v.ToString()).ToArray());
        RedisResult raw = db.Execute("LPOP", "se:d", "1");
        Assert.True(raw.IsNull);
    }

    [Fact]
    public void Resp3NullsForMissingLists()
    {
        using RawClient c = _server.Raw();
        c.Execute("HELLO", "3");
        Assert.Equal("(nil)", c.Execute("LPOP", "r3:missing"));
        c.SendCommand("LPOP", "r3:missing", "2");
        Assert.Equal("(nil)", c.ReadReply());
        c.SendCommand("LMPOP", "1", "r3:missing", "LEFT");
        Assert.Equal("(nil)", c.ReadReply());
    }

    [Fact]
    public void ListWritesBreakWatchButNoOpWritesDoNot()
    {
        using RawClient watcher = _server.Raw();
        using RawClient other = _server.Raw();
        other.Execute("RPUSH", "watch:l", "a");
        watcher.Execute("WATCH", "watch:l");
        other.Execute("LREM", "watch:l", "0", "absent");
        other.Execute("LPUSHX", "watch:missing", "x");
        watcher.Execute("MULTI");
        watcher.Execute("LLEN", "watch:l");
        Assert.Equal("[:1]", watcher.Execute("EXEC"));

        watcher.Execute("WATCH", "watch:l");
        other.Execute("RPUSH", "watch:l", "b");
        watcher.Execute("MULTI");
        watcher.Execute("LLEN", "watch:l");
        Assert.Equal("(nil array)", watcher.Execute("EXEC"));
    }
}
