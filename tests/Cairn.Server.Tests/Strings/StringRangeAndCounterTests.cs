using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Strings;

public sealed class StringRangeAndCounterTests : IClassFixture<StringsFixture>
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
    private const string NotInteger = "-ERR value is not an integer or out of range";

    private readonly StringsFixture _fixture;
    private readonly TestServer _server;

    public StringRangeAndCounterTests(StringsFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Server;
    }

    [Fact]
    public void AppendCreatesOrExtendsAndRepliesTheLength()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":5", client.Execute("APPEND", "append:k", "Hello"));
        Assert.Equal(":11", client.Execute("APPEND", "append:k", " World"));
        Assert.Equal("Hello World", client.Execute("GET", "append:k"));
        Assert.Equal(":0", client.Execute("APPEND", "append:empty", ""));
        Assert.Equal("", client.Execute("GET", "append:empty"));
        _fixture.PutList("append:list");
        Assert.Equal(WrongType, client.Execute("APPEND", "append:list", "x"));
    }

    [Fact]
    public void AppendKeepsTheDeadline()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "appendttl:k", "a", "EX", "100");
        client.Execute("APPEND", "appendttl:k", "b");
        Assert.NotEqual(0, _fixture.ExpiresAt("appendttl:k"));
    }

    [Fact]
    public void StrLenOfMissingStringAndOtherType()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "strlen:k", "hello");
        Assert.Equal(":5", client.Execute("STRLEN", "strlen:k"));
        Assert.Equal(":0", client.Execute("STRLEN", "strlen:missing"));
        _fixture.PutList("strlen:list");
        Assert.Equal(WrongType, client.Execute("STRLEN", "strlen:list"));
    }

    [Theory]
    [InlineData("0", "4", "Hello")]
    [InlineData("-3", "-1", "rld")]
    [InlineData("0", "-1", "Hello World")]
    [InlineData("6", "100", "World")]
    [InlineData("5", "3", "")]
    [InlineData("-1", "-5", "")]
    [InlineData("-100", "2", "Hel")]
    [InlineData("0", "-100", "H")]
    [InlineData("11", "20", "")]
    [InlineData("-9223372036854775808", "9223372036854775807", "Hello World")]
    public void GetRangeFollowsRedisIndexRules(string start, string end, string expected)
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "getrange:k", "Hello World");
        Assert.Equal(expected, client.Execute("GETRANGE", "getrange:k", start, end));
        Assert.Equal(expected, client.Execute("SUBSTR", "getrange:k", start, end));
    }

    [Fact]
    public void GetRangeOfMissingKeyIsEmptyAndErrorsAreRedis()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("", client.Execute("GETRANGE", "getrange:missing", "0", "10"));
        Assert.Equal(NotInteger, client.Execute("GETRANGE", "getrange:missing", "a", "10"));
        Assert.Equal(NotInteger, client.Execute("GETRANGE", "getrange:missing", "0", "1.0"));
        _fixture.PutList("getrange:list");
        Assert.Equal(WrongType, client.Execute("GETRANGE", "getrange:list", "0", "1"));
    }

    [Fact]
    public void SetRangePadsWithZeroBytes()
    {
        IDatabase db = _server.Database();
        Assert.Equal(7L, (long)db.Execute("SETRANGE", "setrange:new", "5", "ab"));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, (byte)'a', (byte)'b' }, (byte[]?)db.StringGet("setrange:new"));
        db.StringSet("setrange:k", "Hello World");
        Assert.Equal(11L, (long)db.Execute("SETRANGE", "setrange:k", "6", "Redis"));
        Assert.Equal("Hello Redis", (string?)db.StringGet("setrange:k"));
        Assert.Equal(13L, (long)db.Execute("SETRANGE", "setrange:k", "11", "!!"));
        Assert.Equal("Hello Redis!!", (string?)db.StringGet("setrange:k"));
    }

    [Fact]
    public void SetRangeWithEmptyValueChangesNothing()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("SETRANGE", "setrange:emptynew", "10", ""));
        Assert.Equal("(nil)", client.Execute("GET", "setrange:emptynew"));
        client.Execute("SET", "setrange:emptyold", "abc");
        Assert.Equal(":3", client.Execute("SETRANGE", "setrange:emptyold", "100", ""));
        Assert.Equal("abc", client.Execute("GET", "setrange:emptyold"));
    }

    [Fact]
    public void SetRangeErrors()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR offset is out of range", client.Execute("SETRANGE", "setrange:err", "-1", "x"));
        Assert.Equal(NotInteger, client.Execute("SETRANGE", "setrange:err", "one", "x"));
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)", client.Execute("SETRANGE", "setrange:err", "536870912", "x"));
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)", client.Execute("SETRANGE", "setrange:err", "536870911", "xy"));
        Assert.Equal("(nil)", client.Execute("GET", "setrange:err"));
        _fixture.PutList("setrange:list");
        Assert.Equal(WrongType, client.Execute("SETRANGE", "setrange:list", "0", "x"));
        // The offset is validated before the type, as in Redis.
        Assert.Equal("-ERR offset is out of range", client.Execute("SETRANGE", "setrange:list", "-1", "x"));
    }

    [Fact]
    public void IncrAndDecrFamily()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("INCR", "incr:k"));
        Assert.Equal(":0", client.Execute("DECR", "incr:k"));
        Assert.Equal(":-1", client.Execute("DECR", "incr:k"));
        Assert.Equal(":9", client.Execute("INCRBY", "incr:k", "10"));
        Assert.Equal(":-91", client.Execute("DECRBY", "incr:k", "100"));
        Assert.Equal("-91", client.Execute("GET", "incr:k"));
        Assert.Equal(":-5", client.Execute("DECRBY", "incr:new", "5"));
    }

    [Fact]
    public void IncrRefusesValuesThatAreNotCanonicalIntegers()
    {
        using RawClient client = _server.Raw();
        foreach (string bad in new[] { "abc", " 1", "1 ", "1.5", "01", "+1", "", "99999999999999999999" })
        {
            client.Execute("SET", "incrbad:k", bad);
            Assert.Equal(NotInteger, client.Execute("INCR", "incrbad:k"));
        }
        Assert.Equal(NotInteger, client.Execute("INCRBY", "incrbad:other", "1.0"));
        Assert.Equal(NotInteger, client.Execute("DECRBY", "incrbad:other", "x"));
        _fixture.PutList("incr:list");
        Assert.Equal(WrongType, client.Execute("INCR", "incr:list"));
    }

    [Fact]
    public void IncrOverflowIsRefusedAndLeavesTheValue()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "incrmax:k", "9223372036854775807");
        Assert.Equal("-ERR increment or decrement would overflow", client.Execute("INCR", "incrmax:k"));
        Assert.Equal("9223372036854775807", client.Execute("GET", "incrmax:k"));
        client.Execute("SET", "incrmin:k", "-9223372036854775808");
        Assert.Equal("-ERR increment or decrement would overflow", client.Execute("DECR", "incrmin:k"));
        Assert.Equal("-ERR increment or decrement would overflow", client.Execute("INCRBY", "incrmin:k", "-1"));
        Assert.Equal(":-1", client.Execute("INCRBY", "incrmin:k", "9223372036854775807"));
        Assert.Equal("-ERR decrement would overflow", client.Execute("DECRBY", "incrmin:k", "-9223372036854775808"));
        Assert.Equal(":9223372036854775806", client.Execute("DECRBY", "incrmin:k", "-9223372036854775807"));
    }

    [Fact]
    public void IncrKeepsTheDeadline()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "incrttl:k", "5", "EX", "100");
        Assert.Equal(":6", client.Execute("INCR", "incrttl:k"));
        Assert.NotEqual(0, _fixture.ExpiresAt("incrttl:k"));
        Assert.Equal("6.5", client.Execute("INCRBYFLOAT", "incrttl:k", "0.5"));
        Assert.NotEqual(0, _fixture.ExpiresAt("incrttl:k"));
    }

    [Fact]
    public void IncrByFloatThroughStackExchangeRedis()
    {
        IDatabase db = _server.Database();
        Assert.Equal(10.5, db.StringIncrement("ibf:se", 10.5));
        // StackExchange.Redis sends doubles with 17 digits (0.1 as 0.10000000000000001), which Redis's long double keeps;
        // the text "0.1" gives the docs' 10.6.
        Assert.Equal("10.6", (string?)db.Execute("INCRBYFLOAT", "ibf:se", "0.1"));
        Assert.Equal(10.6, (double)db.StringGet("ibf:se"));
    }

    [Theory]
    [MemberData(nameof(IncrByFloatGolden.Cases), MemberType = typeof(IncrByFloatGolden))]
    public void IncrByFloatMatchesRedisLongDoubleArithmetic(string stored, string increment, string expected)
    {
        using RawClient client = _server.Raw();
        string key = "ibf:" + stored + ":" + increment;
        client.Execute("SET", key, stored);
        string reply = client.Execute("INCRBYFLOAT", key, increment);
        string normalized = reply switch
        {
            "-ERR value is not a valid float" => "NOTFLOAT",
            "-ERR increment would produce NaN or Infinity" => "NANINF",
            _ => reply,
        };
        Assert.Equal(expected, normalized);
        Assert.Equal(expected is "NOTFLOAT" or "NANINF" ? stored : expected, client.Execute("GET", key));
    }

    [Fact]
    public void IncrByFloatOnMissingKeyAndErrors()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("5000", client.Execute("INCRBYFLOAT", "ibf:new", "5.0e3"));
        Assert.Equal("-ERR value is not a valid float", client.Execute("INCRBYFLOAT", "ibf:new", "abc"));
        Assert.Equal("-ERR value is not a valid float", client.Execute("INCRBYFLOAT", "ibf:new", " 1"));
        Assert.Equal("-ERR value is not a valid float", client.Execute("INCRBYFLOAT", "ibf:new", "nan"));
        Assert.Equal("-ERR increment would produce NaN or Infinity", client.Execute("INCRBYFLOAT", "ibf:new", "+inf"));
        Assert.Equal("5000", client.Execute("GET", "ibf:new"));
        Assert.Equal("0", client.Execute("INCRBYFLOAT", "ibf:zero", "-0.0"));
        _fixture.PutList("ibf:list");
        Assert.Equal(WrongType, client.Execute("INCRBYFLOAT", "ibf:list", "1"));
    }
}
