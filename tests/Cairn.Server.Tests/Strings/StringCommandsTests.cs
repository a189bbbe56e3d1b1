using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Strings;

public sealed class StringCommandsTests : IClassFixture<StringsFixture>
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";

    private readonly StringsFixture _fixture;
    private readonly TestServer _server;

    public StringCommandsTests(StringsFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Server;
    }

    [Fact]
    public void SetThenGetReturnsTheValueThroughStackExchangeRedis()
    {
        IDatabase db = _server.Database();
        Assert.True(db.StringSet("sg:k", "hello"));
        Assert.Equal("hello", db.StringGet("sg:k"));
        Assert.True(db.StringGet("sg:missing").IsNull);
    }

    [Fact]
    public void SetKeepsBinaryValuesExactly()
    {
        IDatabase db = _server.Database();
        byte[] value = [0, 255, 13, 10, 36, 42, 0];
        db.StringSet("bin:k", value);
        Assert.Equal(value, (byte[]?)db.StringGet("bin:k"));
        db.StringSet("bin:empty", Array.Empty<byte>());
        Assert.Equal(Array.Empty<byte>(), (byte[]?)db.StringGet("bin:empty"));
        Assert.Equal(0L, (long)db.Execute("STRLEN", "bin:empty"));
    }

    [Fact]
    public void GetAndSetAgainstOtherTypes()
    {
        using RawClient client = _server.Raw();
        _fixture.PutList("wt:list");
        Assert.Equal(WrongType, client.Execute("GET", "wt:list"));
        Assert.Equal(WrongType, client.Execute("SET", "wt:list", "v", "GET"));
        Assert.Equal(WrongType, client.Execute("GETSET", "wt:list", "v"));
        Assert.Equal(WrongType, client.Execute("GETDEL", "wt:list"));
        Assert.Equal(WrongType, client.Execute("GETEX", "wt:list", "PERSIST"));
        // A plain SET overwrites whatever type was there.
        Assert.Equal("+OK", client.Execute("SET", "wt:list", "now-a-string"));
        Assert.Equal("now-a-string", client.Execute("GET", "wt:list"));
    }

    [Fact]
    public void SetNxAndXxHonourExistence()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("(nil)", client.Execute("SET", "nx:k", "a", "XX"));
        Assert.Equal("(nil)", client.Execute("GET", "nx:k"));
        Assert.Equal("+OK", client.Execute("SET", "nx:k", "a", "NX"));
        Assert.Equal("(nil)", client.Execute("SET", "nx:k", "b", "nx"));
        Assert.Equal("a", client.Execute("GET", "nx:k"));
        Assert.Equal("+OK", client.Execute("SET", "nx:k", "c", "XX"));
        Assert.Equal("c", client.Execute("GET", "nx:k"));
    }

    [Fact]
    public void SetGetRepliesTheOldValueEvenWhenNxOrXxStopsTheWrite()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("(nil)", client.Execute("SET", "sget:k", "1", "GET"));
        Assert.Equal("1", client.Execute("SET", "sget:k", "2", "GET"));
        Assert.Equal("2", client.Execute("SET", "sget:k", "3", "NX", "GET"));
        Assert.Equal("2", client.Execute("GET", "sget:k"));
        Assert.Equal("(nil)", client.Execute("SET", "sget:missing", "x", "XX", "GET"));
        Assert.Equal("(nil)", client.Execute("GET", "sget:missing"));
    }

    [Theory]
    [InlineData("NX", "XX")]
    [InlineData("XX", "NX")]
    [InlineData("EX", "10", "PX", "100")]
    [InlineData("PX", "100", "EXAT", "100")]
    [InlineData("KEEPTTL", "EX", "10")]
    [InlineData("EX", "10", "KEEPTTL")]
    [InlineData("EX")]
    [InlineData("PERSIST")]
    [InlineData("FOO")]
    public void SetWithConflictingOrUnknownOptionsIsASyntaxError(params string[] options)
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR syntax error", client.Execute(["SET", "syn:k", "v", .. options]));
        Assert.Equal("(nil)", client.Execute("GET", "syn:k"));
    }

    [Theory]
    [InlineData("EX", "0")]
    [InlineData("EX", "-5")]
    [InlineData("PX", "0")]
    [InlineData("EXAT", "0")]
    [InlineData("PXAT", "-1")]
    [InlineData("EX", "9223372036854776")]
    [InlineData("PX", "9223372036854775807")]
    [InlineData("EX", "9223372036854775")]
    public void SetWithAnInvalidExpireTimeIsRefused(string unit, string value)
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR invalid expire time in 'set' command", client.Execute("SET", "badexp:k", "v", unit, value));
        Assert.Equal("(nil)", client.Execute("GET", "badexp:k"));
    }

    [Fact]
    public void SetWithANonIntegerExpireTimeIsNotAnInteger()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("SET", "nonint:k", "v", "EX", "1.5"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("SET", "nonint:k", "v", "PX", " 10"));
    }

    [Fact]
    public void SetExpireOptionsStoreTheRightDeadline()
    {
        using RawClient client = _server.Raw();
        long before = StringsFixture.NowMilliseconds;
        Assert.Equal("+OK", client.Execute("SET", "ttl:ex", "v", "EX", "100"));
        Assert.Equal("+OK", client.Execute("SET", "ttl:px", "v", "px", "5000"));
        Assert.Equal("+OK", client.Execute("SET", "ttl:exat", "v", "EXAT", "4102444800"));
        Assert.Equal("+OK", client.Execute("SET", "ttl:pxat", "v", "PXAT", "4102444800123"));
        long after = StringsFixture.NowMilliseconds;
        Assert.InRange(_fixture.ExpiresAt("ttl:ex")!.Value, before + 100_000, after + 100_000);
        Assert.InRange(_fixture.ExpiresAt("ttl:px")!.Value, before + 5000, after + 5000);
        Assert.Equal(4102444800000, _fixture.ExpiresAt("ttl:exat"));
        Assert.Equal(4102444800123, _fixture.ExpiresAt("ttl:pxat"));
    }

    [Fact]
    public void SetWithoutKeepTtlClearsTheDeadlineAndKeepTtlKeepsIt()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "keep:k", "v1", "EX", "100");
        Assert.Equal("+OK", client.Execute("SET", "keep:k", "v2", "KEEPTTL"));
        Assert.NotEqual(0, _fixture.ExpiresAt("keep:k"));
        Assert.Equal("v2", client.Execute("GET", "keep:k"));
        Assert.Equal("+OK", client.Execute("SET", "keep:k", "v3"));
        Assert.Equal(0, _fixture.ExpiresAt("keep:k"));
    }

    [Fact]
    public void ValueSetWithPxDisappearsAfterItsDeadline()
    {
        using RawClient client = _server.Raw();
        // A second of margin so that a stall on a loaded machine cannot expire it before the first GET.
        Assert.Equal("+OK", client.Execute("SET", "px:short", "v", "PX", "1000"));
        Assert.Equal("v", client.Execute("GET", "px:short"));
        Thread.Sleep(1_100);
        Assert.Equal("(nil)", client.Execute("GET", "px:short"));
        Assert.Equal("+OK", client.Execute("SET", "px:past", "v", "PXAT", "1"));
        Assert.Equal("(nil)", client.Execute("GET", "px:past"));
    }

    [Fact]
    public void SetNxRepliesOneOrZero()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("SETNX", "setnx:k", "a"));
        Assert.Equal(":0", client.Execute("SETNX", "setnx:k", "b"));
        Assert.Equal("a", client.Execute("GET", "setnx:k"));
        Assert.Equal("-ERR wrong number of arguments for 'setnx' command", client.Execute("SETNX", "setnx:k"));
    }

    [Fact]
    public void SetExAndPSetExSetValueAndDeadline()
    {
        using RawClient client = _server.Raw();
        long before = StringsFixture.NowMilliseconds;
        Assert.Equal("+OK", client.Execute("SETEX", "setex:k", "100", "v"));
        Assert.Equal("+OK", client.Execute("PSETEX", "psetex:k", "100000", "w"));
        long after = StringsFixture.NowMilliseconds;
        Assert.Equal("v", client.Execute("GET", "setex:k"));
        Assert.Equal("w", client.Execute("GET", "psetex:k"));
        Assert.InRange(_fixture.ExpiresAt("setex:k")!.Value, before + 100_000, after + 100_000);
        Assert.InRange(_fixture.ExpiresAt("psetex:k")!.Value, before + 100_000, after + 100_000);
        Assert.Equal("-ERR invalid expire time in 'setex' command", client.Execute("SETEX", "setex:k", "0", "v"));
        Assert.Equal("-ERR invalid expire time in 'psetex' command", client.Execute("PSETEX", "setex:k", "-10", "v"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("SETEX", "setex:k", "ten", "v"));
    }

    [Fact]
    public void GetSetReturnsOldValueAndClearsTheDeadline()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("(nil)", client.Execute("GETSET", "getset:k", "1"));
        client.Execute("SET", "getset:k", "2", "EX", "100");
        Assert.Equal("2", client.Execute("GETSET", "getset:k", "3"));
        Assert.Equal("3", client.Execute("GET", "getset:k"));
        Assert.Equal(0, _fixture.ExpiresAt("getset:k"));
    }

    [Fact]
    public void GetDelReturnsTheValueAndDeletesTheKey()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "getdel:k", "v");
        Assert.Equal("v", client.Execute("GETDEL", "getdel:k"));
        Assert.Equal("(nil)", client.Execute("GET", "getdel:k"));
        Assert.Equal("(nil)", client.Execute("GETDEL", "getdel:k"));
    }

    [Fact]
    public void GetExSetsOrRemovesTheDeadline()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "getex:k", "v");
        Assert.Equal("v", client.Execute("GETEX", "getex:k"));
        Assert.Equal(0, _fixture.ExpiresAt("getex:k"));
        long before = StringsFixture.NowMilliseconds;
        Assert.Equal("v", client.Execute("GETEX", "getex:k", "EX", "100"));
        Assert.InRange(_fixture.ExpiresAt("getex:k")!.Value, before + 100_000, StringsFixture.NowMilliseconds + 100_000);
        Assert.Equal("v", client.Execute("GETEX", "getex:k", "PXAT", "4102444800123"));
        Assert.Equal(4102444800123, _fixture.ExpiresAt("getex:k"));
        Assert.Equal("v", client.Execute("GETEX", "getex:k", "PERSIST"));
        Assert.Equal(0, _fixture.ExpiresAt("getex:k"));
        Assert.Equal("(nil)", client.Execute("GETEX", "getex:missing", "EX", "10"));
    }

    [Fact]
    public void GetExWithAPastAbsoluteTimeDeletesTheKey()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "getexpast:k", "v");
        Assert.Equal("v", client.Execute("GETEX", "getexpast:k", "EXAT", "1"));
        Assert.Null(_fixture.ExpiresAt("getexpast:k"));
    }

    [Fact]
    public void GetExOptionErrors()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "getexerr:k", "v");
        Assert.Equal("-ERR syntax error", client.Execute("GETEX", "getexerr:k", "NX"));
        Assert.Equal("-ERR syntax error", client.Execute("GETEX", "getexerr:k", "KEEPTTL"));
        Assert.Equal("-ERR syntax error", client.Execute("GETEX", "getexerr:k", "EX", "10", "PERSIST"));
        Assert.Equal("-ERR syntax error", client.Execute("GETEX", "getexerr:k", "PERSIST", "PX", "10"));
        Assert.Equal("-ERR syntax error", client.Execute("GETEX", "getexerr:k", "EX"));
        Assert.Equal("-ERR invalid expire time in 'getex' command", client.Execute("GETEX", "getexerr:k", "EX", "0"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("GETEX", "getexerr:k", "PX", "x"));
        // Syntax is checked before the key; a missing key answers null before the expire value is checked.
        Assert.Equal("-ERR syntax error", client.Execute("GETEX", "getexerr:missing", "FOO"));
        Assert.Equal("(nil)", client.Execute("GETEX", "getexerr:missing", "EX", "0"));
    }

    [Fact]
    public void MGetReturnsNullForMissingAndNonStringKeys()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "mget:a", "1");
        client.Execute("SET", "mget:b", "2");
        _fixture.PutList("mget:list");
        Assert.Equal("[1, (nil), 2, (nil)]", client.Execute("MGET", "mget:a", "mget:missing", "mget:b", "mget:list"));
    }

    [Fact]
    public void MSetSetsEveryPairAndChecksTheArgumentCount()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("MSET", "mset:a", "1", "mset:b", "2", "mset:a", "3"));
        Assert.Equal("[3, 2]", client.Execute("MGET", "mset:a", "mset:b"));
        Assert.Equal("-ERR wrong number of arguments for 'mset' command", client.Execute("MSET", "mset:a", "1", "mset:b"));
        Assert.Equal("-ERR wrong number of arguments for 'mset' command", client.Execute("MSET", "mset:a"));
    }

    [Fact]
    public void MSetNxSetsNothingWhenAnyKeyExists()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("MSETNX", "msetnx:a", "1", "msetnx:b", "2"));
        Assert.Equal(":0", client.Execute("MSETNX", "msetnx:c", "3", "msetnx:a", "9"));
        Assert.Equal("[1, 2, (nil)]", client.Execute("MGET", "msetnx:a", "msetnx:b", "msetnx:c"));
        Assert.Equal("-ERR wrong number of arguments for 'msetnx' command", client.Execute("MSETNX", "msetnx:x", "1", "msetnx:y"));
    }

    [Fact]
    public void ArityErrorsUseRedisText()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR wrong number of arguments for 'get' command", client.Execute("GET"));
        Assert.Equal("-ERR wrong number of arguments for 'set' command", client.Execute("SET", "k"));
        Assert.Equal("-ERR wrong number of arguments for 'getex' command", client.Execute("GETEX"));
        Assert.Equal("-ERR wrong number of arguments for 'mget' command", client.Execute("MGET"));
        Assert.Equal("-ERR wrong number of arguments for 'getrange' command", client.Execute("GETRANGE", "k", "0"));
    }

    [Fact]
    public void StringCommandsWorkInsideMultiExec()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("MULTI"));
        Assert.Equal("+QUEUED", client.Execute("SET", "multi:k", "10"));
        Assert.Equal("+QUEUED", client.Execute("INCRBY", "multi:k", "5"));
        Assert.Equal("+QUEUED", client.Execute("GET", "multi:k"));
        Assert.Equal("[+OK, :15, 15]", client.Execute("EXEC"));
    }
}
