using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Strings;

public sealed class BitfieldCommandTests : IClassFixture<StringsFixture>
{
    private const string TypeError = "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private readonly StringsFixture _fixture;
    private readonly TestServer _server;

    public BitfieldCommandTests(StringsFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Server;
    }

    [Fact]
    public void SignedSetAndGetBasics()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[:0]", client.Execute("BITFIELD", "bf:signed", "SET", "i8", "0", "-100"));
        Assert.Equal("[:-100]", client.Execute("BITFIELD", "bf:signed", "SET", "i8", "0", "101"));
        Assert.Equal("[:101]", client.Execute("BITFIELD", "bf:signed", "GET", "i8", "0"));
    }

    [Fact]
    public void UnsignedSetAndGetBasics()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[:0]", client.Execute("BITFIELD", "bf:unsigned", "SET", "u8", "0", "255"));
        Assert.Equal("[:255]", client.Execute("BITFIELD", "bf:unsigned", "SET", "u8", "0", "100"));
        Assert.Equal("[:100]", client.Execute("BITFIELD", "bf:unsigned", "GET", "u8", "0"));
    }

    [Fact]
    public void HashOffsetsAreMultipliedByTheWidth()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[:0, :0, :0]", client.Execute("BITFIELD", "bf:hash", "SET", "u8", "#0", "65", "SET", "u8", "#1", "66", "SET", "u8", "#2", "67"));
        Assert.Equal("ABC", client.Execute("GET", "bf:hash"));
        Assert.Equal("[:66, :16706]", client.Execute("BITFIELD", "bf:hash", "GET", "u8", "#1", "GET", "u16", "#0"));
    }

    [Fact]
    public void OnlyTheKeyRepliesAnEmptyArray()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[]", client.Execute("BITFIELD", "bf:none"));
        Assert.Equal("[]", client.Execute("BITFIELD_RO", "bf:none"));
        Assert.Equal("[:0]", client.Execute("BITFIELD", "bf:none", "GET", "u8", "100"));
        Assert.Equal("(nil)", client.Execute("GET", "bf:none"));
    }

    [Fact]
    public void UnsignedOverflowWrapAndSaturate()
    {
        using RawClient client = _server.Raw();
        client.Execute("BITFIELD", "bf:uwrap", "SET", "u8", "0", "100");
        Assert.Equal("[:101]", client.Execute("BITFIELD", "bf:uwrap", "OVERFLOW", "WRAP", "INCRBY", "u8", "0", "257"));
        Assert.Equal("[:101]", client.Execute("BITFIELD", "bf:uwrap", "GET", "u8", "0"));
        Assert.Equal("[:100]", client.Execute("BITFIELD", "bf:uwrap", "INCRBY", "u8", "0", "255"));
        client.Execute("BITFIELD", "bf:usat", "SET", "u8", "0", "100");
        Assert.Equal("[:255]", client.Execute("BITFIELD", "bf:usat", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "257"));
        Assert.Equal("[:0]", client.Execute("BITFIELD", "bf:usat", "OVERFLOW", "sat", "INCRBY", "u8", "0", "-255"));
    }

    [Fact]
    public void SignedOverflowWrapAndSaturate()
    {
        using RawClient client = _server.Raw();
        client.Execute("BITFIELD", "bf:swrap", "SET", "i8", "0", "100");
        Assert.Equal("[:101]", client.Execute("BITFIELD", "bf:swrap", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "257"));
        Assert.Equal("[:101]", client.Execute("BITFIELD", "bf:swrap", "GET", "i8", "0"));
        Assert.Equal("[:100]", client.Execute("BITFIELD", "bf:swrap", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "255"));
        client.Execute("BITFIELD", "bf:ssat", "SET", "i8", "0", "100");
        Assert.Equal("[:127]", client.Execute("BITFIELD", "bf:ssat", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "257"));
        Assert.Equal("[:-128]", client.Execute("BITFIELD", "bf:ssat", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-255"));
    }

    [Fact]
    public void OverflowFailRepliesNullAndWritesNothing()
    {
        using RawClient client = _server.Raw();
        client.Execute("BITFIELD", "bf:fail", "SET", "u2", "0", "1");
        Assert.Equal("[(nil), :1, :3]", client.Execute("BITFIELD", "bf:fail", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "10", "GET", "u2", "0", "INCRBY", "u2", "0", "2"));
        Assert.Equal("[(nil)]", client.Execute("BITFIELD", "bf:fail", "OVERFLOW", "FAIL", "SET", "i4", "0", "8"));
        // OVERFLOW applies to the operations after it only.
        Assert.Equal("[:3, (nil)]", client.Execute("BITFIELD", "bf:fail", "INCRBY", "u2", "0", "4", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "4"));
    }

    [Fact]
    public void RegressionFor3564WrapsAcrossBytes()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[:0, :0, :60]", client.Execute("BITFIELD", "bf:3564", "SET", "i8", "0", "10", "SET", "i8", "64", "10", "INCRBY", "i8", "10", "99900"));
    }

    [Fact]
    public void RegressionFor3221ReadsTheStoredDigitBits()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "bf:3221", "1");
        Assert.Equal("[:0, :49]", client.Execute("BITFIELD", "bf:3221", "GET", "u1", "0", "GET", "u8", "0"));
    }

    [Fact]
    public void WidestTypesKeepAllTheirBits()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[:0, :-9223372036854775808]", client.Execute("BITFIELD", "bf:wide", "SET", "i64", "0", "-9223372036854775808", "GET", "i64", "0"));
        Assert.Equal("[:0, :9223372036854775807]", client.Execute("BITFIELD", "bf:wide", "SET", "u63", "64", "9223372036854775807", "GET", "u63", "64"));
        Assert.Equal("[:-9223372036854775808]", client.Execute("BITFIELD", "bf:wide", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1"));
    }

    [Fact]
    public void SignedSixtyFourBitIncrementsWrapAndSaturateLikeRedis()
    {
        using RawClient client = _server.Raw();
        client.Execute("BITFIELD", "bf:i64", "SET", "i64", "0", "9223372036854775807");
        Assert.Equal("[:-9223372036854775808]", client.Execute("BITFIELD", "bf:i64", "INCRBY", "i64", "0", "1"));
        Assert.Equal("[:-9223372036854775808]", client.Execute("BITFIELD", "bf:i64", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1"));
        Assert.Equal("[(nil)]", client.Execute("BITFIELD", "bf:i64", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1"));
        Assert.Equal("[:-1]", client.Execute("BITFIELD", "bf:i64", "INCRBY", "i64", "0", "9223372036854775807"));
    }

    [Fact]
    public void GetPastTheEndReadsZeroPadding()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "bf:short", "\u007f");
        Assert.Equal("[:127, :32512, :-512, :0]", client.Execute("BITFIELD_RO", "bf:short", "GET", "u8", "0", "GET", "u16", "0", "GET", "i16", "1", "GET", "u8", "8"));
        client.Execute("BITFIELD", "bf:unaligned", "SET", "u8", "5", "255");
        Assert.Equal("[:7, :255, :248]", client.Execute("BITFIELD", "bf:unaligned", "GET", "u8", "0", "GET", "u8", "5", "GET", "u8", "8"));
    }

    [Theory]
    [InlineData(new[] { "GET", "u64", "0" }, TypeError)]
    [InlineData(new[] { "GET", "i65", "0" }, TypeError)]
    [InlineData(new[] { "GET", "u0", "0" }, TypeError)]
    [InlineData(new[] { "GET", "I8", "0" }, TypeError)]
    [InlineData(new[] { "GET", "x8", "0" }, TypeError)]
    [InlineData(new[] { "GET", "i8", "-1" }, "-ERR bit offset is not an integer or out of range")]
    [InlineData(new[] { "GET", "i8", "#-1" }, "-ERR bit offset is not an integer or out of range")]
    [InlineData(new[] { "GET", "i8", "4294967296" }, "-ERR bit offset is not an integer or out of range")]
    [InlineData(new[] { "OVERFLOW", "NEVER" }, "-ERR Invalid OVERFLOW type specified")]
    [InlineData(new[] { "FOO" }, "-ERR syntax error")]
    [InlineData(new[] { "GET", "i8" }, "-ERR syntax error")]
    [InlineData(new[] { "SET", "i8", "0" }, "-ERR syntax error")]
    [InlineData(new[] { "OVERFLOW" }, "-ERR syntax error")]
    [InlineData(new[] { "SET", "i8", "0", "x" }, "-ERR value is not an integer or out of range")]
    [InlineData(new[] { "SET", "i8", "0", "1", "GET", "u64", "0" }, TypeError)]
    public void BitfieldErrorsAreReportedBeforeAnyWrite(string[] args, string expected)
    {
        using RawClient client = _server.Raw();
        Assert.Equal(expected, client.Execute(["BITFIELD", "bf:errors", .. args]));
        Assert.Equal("(nil)", client.Execute("GET", "bf:errors"));
    }

    [Fact]
    public void BitfieldReadOnlyRefusesWrites()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "bf:ro", "A");
        Assert.Equal("[:65]", client.Execute("BITFIELD_RO", "bf:ro", "GET", "u8", "0"));
        Assert.Equal("-ERR BITFIELD_RO only supports the GET subcommand", client.Execute("BITFIELD_RO", "bf:ro", "GET", "u8", "0", "SET", "u8", "0", "1"));
        Assert.Equal("-ERR BITFIELD_RO only supports the GET subcommand", client.Execute("BITFIELD_RO", "bf:ro", "INCRBY", "u8", "0", "1"));
        Assert.Equal("A", client.Execute("GET", "bf:ro"));
    }

    [Fact]
    public void BitfieldAgainstOtherTypes()
    {
        using RawClient client = _server.Raw();
        _fixture.PutList("bf:list");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", client.Execute("BITFIELD", "bf:list", "GET", "u8", "0"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", client.Execute("BITFIELD", "bf:list", "SET", "u8", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", client.Execute("BITFIELD_RO", "bf:list", "GET", "u8", "0"));
    }

    [Fact]
    public void BitfieldThroughStackExchangeRedis()
    {
        IDatabase db = _server.Database();
        RedisResult result = db.Execute("BITFIELD", "bf:se", "INCRBY", "u4", "0", "7", "INCRBY", "u4", "0", "7", "GET", "u4", "0");
        Assert.Equal(new long[] { 7, 14, 14 }, (long[]?)result);
    }
}
