using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Strings;

public sealed class BitmapCommandsTests : IClassFixture<StringsFixture>
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
    private const string BadOffset = "-ERR bit offset is not an integer or out of range";
    private const string BadBit = "-ERR bit is not an integer or out of range";

    private readonly StringsFixture _fixture;
    private readonly TestServer _server;

    public BitmapCommandsTests(StringsFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Server;
    }

    [Fact]
    public void SetBitGrowsTheStringAndRepliesTheOldBit()
    {
        IDatabase db = _server.Database();
        Assert.Equal(0L, (long)db.Execute("SETBIT", "setbit:k", "7", "1"));
        Assert.Equal(new byte[] { 0x01 }, (byte[]?)db.StringGet("setbit:k"));
        Assert.Equal(1L, (long)db.Execute("SETBIT", "setbit:k", "7", "1"));
        Assert.Equal(1L, (long)db.Execute("SETBIT", "setbit:k", "7", "0"));
        Assert.Equal(0L, (long)db.Execute("SETBIT", "setbit:k", "17", "1"));
        Assert.Equal(new byte[] { 0x00, 0x00, 0x40 }, (byte[]?)db.StringGet("setbit:k"));
        db.StringSet("setbit:text", "`");
        db.Execute("SETBIT", "setbit:text", "1", "0");
        db.Execute("SETBIT", "setbit:text", "7", "1");
        Assert.Equal("!", (string?)db.StringGet("setbit:text"));
    }

    [Theory]
    [InlineData("-1", "1", BadOffset)]
    [InlineData("4294967296", "1", BadOffset)]
    [InlineData("1.5", "1", BadOffset)]
    [InlineData("#1", "1", BadOffset)]
    [InlineData("0", "2", BadBit)]
    [InlineData("0", "-1", BadBit)]
    [InlineData("0", "01", BadBit)]
    [InlineData("0", "a", BadBit)]
    public void SetBitErrors(string offset, string bit, string expected)
    {
        using RawClient client = _server.Raw();
        Assert.Equal(expected, client.Execute("SETBIT", "setbiterr:k", offset, bit));
        Assert.Equal("(nil)", client.Execute("GET", "setbiterr:k"));
    }

    [Fact]
    public void GetBitReadsZeroPastTheEndAndOnMissingKeys()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "getbit:k", "`");
        Assert.Equal(":0", client.Execute("GETBIT", "getbit:k", "0"));
        Assert.Equal(":1", client.Execute("GETBIT", "getbit:k", "1"));
        Assert.Equal(":1", client.Execute("GETBIT", "getbit:k", "2"));
        Assert.Equal(":0", client.Execute("GETBIT", "getbit:k", "100"));
        Assert.Equal(":0", client.Execute("GETBIT", "getbit:missing", "4294967295"));
        Assert.Equal(BadOffset, client.Execute("GETBIT", "getbit:k", "4294967296"));
        Assert.Equal(BadOffset, client.Execute("GETBIT", "getbit:k", "-1"));
        _fixture.PutList("getbit:list");
        Assert.Equal(WrongType, client.Execute("GETBIT", "getbit:list", "0"));
        Assert.Equal(WrongType, client.Execute("SETBIT", "getbit:list", "0", "1"));
    }

    [Theory]
    [InlineData(new string[0], ":26")]
    [InlineData(new[] { "0", "0" }, ":4")]
    [InlineData(new[] { "1", "1" }, ":6")]
    [InlineData(new[] { "1", "1", "BYTE" }, ":6")]
    [InlineData(new[] { "5", "30", "BIT" }, ":17")]
    [InlineData(new[] { "0", "-1", "bit" }, ":26")]
    [InlineData(new[] { "-1", "-5" }, ":0")]
    [InlineData(new[] { "-10", "-20" }, ":0")]
    [InlineData(new[] { "-100", "100" }, ":26")]
    [InlineData(new[] { "6", "100" }, ":0")]
    [InlineData(new[] { "1", "0" }, ":0")]
    [InlineData(new[] { "0" }, "-ERR syntax error")]
    [InlineData(new[] { "0", "1", "WORD" }, "-ERR syntax error")]
    [InlineData(new[] { "0", "1", "BIT", "x" }, "-ERR syntax error")]
    [InlineData(new[] { "a", "1" }, "-ERR value is not an integer or out of range")]
    public void BitCountOverFoobar(string[] range, string expected)
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "bitcount:foobar", "foobar");
        Assert.Equal(expected, client.Execute(["BITCOUNT", "bitcount:foobar", .. range]));
    }

    [Fact]
    public void BitCountOfMissingKeyIsZeroWhateverTheArguments()
    {
        using RawClient client = _server.Raw();
        // Redis 7.0 looks the key up before parsing the range.
        Assert.Equal(":0", client.Execute("BITCOUNT", "bitcount:missing"));
        Assert.Equal(":0", client.Execute("BITCOUNT", "bitcount:missing", "0"));
        Assert.Equal(":0", client.Execute("BITCOUNT", "bitcount:missing", "a", "b"));
        _fixture.PutList("bitcount:list");
        Assert.Equal(WrongType, client.Execute("BITCOUNT", "bitcount:list"));
    }

    [Fact]
    public void BitCountOfLongStringsCountsEveryByte()
    {
        IDatabase db = _server.Database();
        byte[] value = new byte[1001];
        new Random(11).NextBytes(value);
        db.StringSet("bitcount:long", value);
        long expected = 0;
        foreach (byte b in value)
        {
            expected += System.Numerics.BitOperations.PopCount(b);
        }
        Assert.Equal(expected, (long)db.Execute("BITCOUNT", "bitcount:long"));
        Assert.Equal(expected - System.Numerics.BitOperations.PopCount(value[0]), (long)db.Execute("BITCOUNT", "bitcount:long", "1", "-1"));
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xf0, 0x00 }, new[] { "0" }, 12)]
    [InlineData(new byte[] { 0x00, 0xff, 0xf0 }, new[] { "1", "0" }, 8)]
    [InlineData(new byte[] { 0x00, 0xff, 0xf0 }, new[] { "1", "2" }, 16)]
    [InlineData(new byte[] { 0x00, 0xff, 0xf0 }, new[] { "1", "2", "-1", "BYTE" }, 16)]
    [InlineData(new byte[] { 0x00, 0xff, 0xf0 }, new[] { "1", "7", "15", "BIT" }, 8)]
    [InlineData(new byte[] { 0x00, 0x00, 0x00 }, new[] { "1" }, -1)]
    [InlineData(new byte[] { 0x00, 0x00, 0x00 }, new[] { "1", "7", "-3", "BIT" }, -1)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "0", "0", "-1" }, 0)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "0", "1", "-1" }, 16)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "0", "2", "-1" }, 16)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "0", "2", "200" }, 16)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "0", "1", "1" }, -1)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "1", "0", "-1" }, 8)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "1", "1", "-1" }, 8)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "1", "2", "-1" }, -1)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "1", "2", "200" }, -1)]
    [InlineData(new byte[] { 0x00, 0xff, 0x00 }, new[] { "1", "1", "1" }, 8)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff }, new[] { "0" }, 24)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff }, new[] { "0", "0" }, 24)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff }, new[] { "0", "0", "-1" }, -1)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff }, new[] { "0", "0", "-1", "BIT" }, -1)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff }, new[] { "0", "2", "1" }, -1)]
    [InlineData(new byte[] { 0xff, 0x7f, 0xff }, new[] { "0", "3", "12", "BIT" }, 8)]
    [InlineData(new byte[] { 0xff, 0x7f, 0xff }, new[] { "0", "9", "12", "BIT" }, -1)]
    [InlineData(new byte[] { 0x80, 0x00, 0x01 }, new[] { "1", "1", "22", "BIT" }, -1)]
    [InlineData(new byte[] { 0x80, 0x00, 0x01 }, new[] { "1", "1", "23", "BIT" }, 23)]
    [InlineData(new byte[] { 0x80, 0x00, 0x01 }, new[] { "1", "-1", "-1", "BIT" }, 23)]
    [InlineData(new byte[] { 0x80, 0x00, 0x01 }, new[] { "1", "3", "5", "bit" }, -1)]
    [InlineData(new byte[] { 0xfe }, new[] { "0", "0", "6", "BIT" }, -1)]
    [InlineData(new byte[] { 0xfe }, new[] { "0", "0", "7", "BIT" }, 7)]
    [InlineData(new byte[0], new[] { "0" }, -1)]
    [InlineData(new byte[0], new[] { "1" }, -1)]
    public void BitPosMatchesRedis(byte[] value, string[] args, long expected)
    {
        IDatabase db = _server.Database();
        string key = "bitpos:" + Convert.ToHexString(value);
        db.StringSet(key, value);
        Assert.Equal(expected, (long)db.Execute("BITPOS", [key, .. args]));
    }

    [Fact]
    public void BitPosOfMissingKeyAndErrors()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("BITPOS", "bitpos:missing", "0"));
        Assert.Equal(":-1", client.Execute("BITPOS", "bitpos:missing", "1"));
        Assert.Equal(":0", client.Execute("BITPOS", "bitpos:missing", "0", "x", "y", "z"));
        Assert.Equal("-ERR The bit argument must be 1 or 0.", client.Execute("BITPOS", "bitpos:missing", "2"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("BITPOS", "bitpos:missing", "one"));
        client.Execute("SET", "bitpos:k", "abc");
        Assert.Equal("-ERR syntax error", client.Execute("BITPOS", "bitpos:k", "1", "0", "1", "BOTH"));
        Assert.Equal("-ERR syntax error", client.Execute("BITPOS", "bitpos:k", "1", "0", "1", "BIT", "x"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("BITPOS", "bitpos:k", "1", "x"));
        _fixture.PutList("bitpos:list");
        Assert.Equal(WrongType, client.Execute("BITPOS", "bitpos:list", "1"));
    }

    [Fact]
    public void BitOpAndOrXorNot()
    {
        IDatabase db = _server.Database();
        db.StringSet("bitop:a", "foobar");
        db.StringSet("bitop:b", "abcdef");
        Assert.Equal(6L, (long)db.Execute("BITOP", "AND", "bitop:and", "bitop:a", "bitop:b"));
        Assert.Equal("`bc`ab", (string?)db.StringGet("bitop:and"));
        db.StringSet("bitop:x", new byte[] { 0x0f, 0xf0 });
        db.StringSet("bitop:y", new byte[] { 0x3c });
        Assert.Equal(2L, (long)db.Execute("BITOP", "or", "bitop:or", "bitop:x", "bitop:y"));
        Assert.Equal(new byte[] { 0x3f, 0xf0 }, (byte[]?)db.StringGet("bitop:or"));
        Assert.Equal(2L, (long)db.Execute("BITOP", "XOR", "bitop:xor", "bitop:x", "bitop:y", "bitop:none"));
        Assert.Equal(new byte[] { 0x33, 0xf0 }, (byte[]?)db.StringGet("bitop:xor"));
        Assert.Equal(2L, (long)db.Execute("BITOP", "AND", "bitop:and2", "bitop:x", "bitop:y"));
        Assert.Equal(new byte[] { 0x0c, 0x00 }, (byte[]?)db.StringGet("bitop:and2"));
        Assert.Equal(2L, (long)db.Execute("BITOP", "NOT", "bitop:not", "bitop:x"));
        Assert.Equal(new byte[] { 0xf0, 0x0f }, (byte[]?)db.StringGet("bitop:not"));
        Assert.Equal(2L, (long)db.Execute("BITOP", "AND", "bitop:andmissing", "bitop:x", "bitop:none"));
        Assert.Equal(new byte[] { 0, 0 }, (byte[]?)db.StringGet("bitop:andmissing"));
    }

    [Fact]
    public void BitOpOfOnlyEmptySourcesDeletesTheDestination()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "bitopdel:dest", "x", "EX", "100");
        client.Execute("SET", "bitopdel:empty", "");
        Assert.Equal(":0", client.Execute("BITOP", "OR", "bitopdel:dest", "bitopdel:none", "bitopdel:empty"));
        Assert.Equal("(nil)", client.Execute("GET", "bitopdel:dest"));
        client.Execute("SET", "bitopdel:dest2", "x", "EX", "100");
        Assert.Equal(":1", client.Execute("BITOP", "NOT", "bitopdel:dest2", "bitopdel:dest2"));
        Assert.Equal(0, _fixture.ExpiresAt("bitopdel:dest2"));
    }

    [Fact]
    public void BitOpErrors()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR syntax error", client.Execute("BITOP", "NAND", "bitoperr:d", "bitoperr:a"));
        Assert.Equal("-ERR BITOP NOT must be called with a single source key.", client.Execute("BITOP", "NOT", "bitoperr:d", "bitoperr:a", "bitoperr:b"));
        Assert.Equal("-ERR wrong number of arguments for 'bitop' command", client.Execute("BITOP", "AND", "bitoperr:d"));
        _fixture.PutList("bitoperr:list");
        client.Execute("SET", "bitoperr:a", "x");
        Assert.Equal(WrongType, client.Execute("BITOP", "AND", "bitoperr:d", "bitoperr:a", "bitoperr:list"));
        Assert.Equal("(nil)", client.Execute("GET", "bitoperr:d"));
    }
}
