using System.Text;
using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;
using static Cairn.Server.Tests.Rdb.RdbBytes;

namespace Cairn.Server.Tests.Rdb;

public sealed class DumpRestoreCommandsTests : IClassFixture<DumpRestoreCommandsTests.Fixture>
{
    private readonly TestServer _server;
    private readonly IDatabase _db;

    public DumpRestoreCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
        _db = _server.Database();
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private string Reply(string command, params object[] args)
    {
        try
        {
            RedisResult? result = _db.Execute(command, args);
            Assert.True(result is not null, $"{command}: no reply (connection lost?)");
            return result.IsNull ? "(nil)" : result.ToString();
        }
        catch (RedisServerException e)
        {
            return "-" + e.Message;
        }
    }

    private byte[] Dump(string key) => (byte[])_db.Execute("DUMP", key)!;

    // Golden payloads: DUMP output of redis-server 7.0.15 for the same values, byte for byte.
    [Theory]
    [InlineData("g:s", "SET|hello", "000568656c6c6f0a006372df766534200a")]
    [InlineData("g:i", "SET|12345", "00c139300a009d94ea2793fc08b9")]
    [InlineData("g:neg", "SET|-100", "00c09c0a00ff77a3b766addee4")]
    [InlineData("g:l", "RPUSH|a|b|c", "12010210100000000300816102816202816302ff0a00c818b90c9533529e")]
    [InlineData("g:lint", "RPUSH|1|-1000|70000|9999999999", "1201021b1b00000004000101dc1802f270110104f4ffe30b540200000009ff0a00afa79a1480dc744e")]
    [InlineData("g:h", "HSET|f|v|n|1", "1012120000000400816602817602816e020101ff0a00fce408f17922e016")]
    [InlineData("g:si", "SADD|3|1|2", "0b0e02000000030000000100020003000a00a5025ce26d6e4d1b")]
    [InlineData("g:si2", "SADD|100000|-5", "0b100400000002000000fbffffffa08601000a00ac0ce7d4ddb2138f")]
    [InlineData("g:z", "ZADD|1|a|2.5|b", "1114140000000400816102010181620283322e3504ff0a00d44c6ea4f644d9d7")]
    public void DumpMatchesRedis70ByteForByte(string key, string write, string expectedHex)
    {
        string[] parts = write.Split('|');
        var args = new object[parts.Length];
        args[0] = key;
        Array.Copy(parts, 1, args, 1, parts.Length - 1);
        _db.Execute(parts[0], args);
        Assert.Equal(expectedHex, Convert.ToHexString(Dump(key)), ignoreCase: true);
    }

    [Fact]
    public void DumpOfAMissingKeyIsNil()
    {
        Assert.Equal("(nil)", Reply("DUMP", "dump:none"));
    }

    [Fact]
    public void EveryTypeAndEncodingRoundTripsThroughDumpAndRestore()
    {
        List<string> keys = InteropValues.Populate(_db, "rt:", isRedis: false);
        foreach (string key in keys)
        {
            byte[] payload = Dump("rt:" + key);
            Assert.Equal("OK", Reply("RESTORE", "rt2:" + key, 0, payload));
            Assert.Equal(ValueDescription.Of(_db, "rt:" + key), ValueDescription.Of(_db, "rt2:" + key));
            Assert.Equal(Reply("OBJECT", "ENCODING", "rt:" + key), Reply("OBJECT", "ENCODING", "rt2:" + key));
            Assert.Equal(Convert.ToHexString(payload), Convert.ToHexString(Dump("rt2:" + key)));
        }
    }

    [Fact]
    public void RestoreOntoAnExistingKeyIsBusyUnlessReplace()
    {
        _db.Execute("SET", "busy:k", "old");
        byte[] payload = Dump("busy:k");
        _db.Execute("SET", "busy:k", "current");
        Assert.Equal("-BUSYKEY Target key name already exists.", Reply("RESTORE", "busy:k", 0, payload));
        // BUSYKEY is checked before the TTL and the payload, as Redis does.
        Assert.Equal("-BUSYKEY Target key name already exists.", Reply("RESTORE", "busy:k", "x", "junk"));
        Assert.Equal("OK", Reply("RESTORE", "busy:k", 0, payload, "REPLACE"));
        Assert.Equal("old", Reply("GET", "busy:k"));
    }

    [Fact]
    public void RestoreRejectsBadTtls()
    {
        byte[] payload = Dump("ttl:none") ?? [];
        _db.Execute("SET", "ttl:src", "v");
        payload = Dump("ttl:src");
        Assert.Equal("-ERR Invalid TTL value, must be >= 0", Reply("RESTORE", "ttl:k", -1, payload));
        Assert.Equal("-ERR value is not an integer or out of range", Reply("RESTORE", "ttl:k", "1.5", payload));
        Assert.Equal("0", Reply("EXISTS", "ttl:k"));
    }

    [Fact]
    public void RestoreWithATtlSetsItRelativeOrAbsolute()
    {
        _db.Execute("SET", "ttl2:src", "v");
        byte[] payload = Dump("ttl2:src");
        Assert.Equal("OK", Reply("RESTORE", "ttl2:rel", 10000, payload));
        Assert.InRange(long.Parse(Reply("PTTL", "ttl2:rel")), 9000, 10000);
        long at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 20000;
        Assert.Equal("OK", Reply("RESTORE", "ttl2:abs", at, payload, "ABSTTL"));
        Assert.InRange(long.Parse(Reply("PTTL", "ttl2:abs")), 18000, 20000);
        Assert.Equal("-1", Reply("PTTL", "ttl2:src"));
    }

    [Fact]
    public void RestoreWithAPastAbsoluteTtlCreatesNothingAndDeletesAReplacedKey()
    {
        _db.Execute("SET", "past:src", "v");
        byte[] payload = Dump("past:src");
        Assert.Equal("OK", Reply("RESTORE", "past:new", 1000, payload, "ABSTTL"));
        Assert.Equal("0", Reply("EXISTS", "past:new"));
        _db.Execute("SET", "past:old", "x");
        Assert.Equal("OK", Reply("RESTORE", "past:old", 1000, payload, "ABSTTL", "REPLACE"));
        Assert.Equal("0", Reply("EXISTS", "past:old"));
    }

    [Fact]
    public void RestoreRejectsAWrongChecksumOrANewerVersion()
    {
        _db.Execute("SET", "crc:src", "hello");
        byte[] payload = Dump("crc:src");
        byte[] flipped = (byte[])payload.Clone();
        flipped[2] ^= 1;
        Assert.Equal("-ERR DUMP payload version or checksum are wrong", Reply("RESTORE", "crc:k", 0, flipped));
        Assert.Equal("-ERR DUMP payload version or checksum are wrong", Reply("RESTORE", "crc:k", 0, "short"));
        byte[] newer = Payload(0, Str("hello"), version: 12);
        Assert.Equal("-ERR DUMP payload version or checksum are wrong", Reply("RESTORE", "crc:k", 0, newer));
        Assert.Equal("OK", Reply("RESTORE", "crc:k", 0, Payload(0, Str("hello"), version: 9)));
    }

    [Fact]
    public void RestoreRejectsMalformedValuesAsBadDataFormat()
    {
        Assert.Equal("-ERR Bad data format", Reply("RESTORE", "bad:1", 0, Payload(0, [0x05, (byte)'a'])));
        Assert.Equal("-ERR Bad data format", Reply("RESTORE", "bad:2", 0, Payload(99, Str("x"))));
        Assert.Equal("-ERR Bad data format", Reply("RESTORE", "bad:3", 0, Payload(2, Concat(Length(2), Str("a"), Str("a")))));
        Assert.Equal("-ERR Bad data format", Reply("RESTORE", "bad:4", 0, Payload(16, Blob(Listpack("f", "v", "f", "w")))));
        Assert.Equal("-ERR Bad data format", Reply("RESTORE", "bad:5", 0, Payload(1, Length(0))));
        byte[] damaged = Listpack("a", "b");
        damaged[^2] ^= 0x40; // a back-length that does not match its entry
        Assert.Equal("-ERR Bad data format", Reply("RESTORE", "bad:6", 0, Payload(18, Concat(Length(1), Length(2), Blob(damaged)))));
        Assert.Equal("-ERR Bad data format", Reply("RESTORE", "bad:7", 0, Payload(3, Concat(Length(1), Str("m"), [253]))));
        Assert.Equal("0", Reply("EXISTS", "bad:1"));
    }

    [Fact]
    public void RestoreParsesOptionsAsRedis()
    {
        _db.Execute("SET", "opt:src", "v");
        byte[] payload = Dump("opt:src");
        Assert.Equal("-ERR syntax error", Reply("RESTORE", "opt:k", 0, payload, "BOGUS"));
        Assert.Equal("-ERR syntax error", Reply("RESTORE", "opt:k", 0, payload, "IDLETIME"));
        Assert.Equal("-ERR syntax error", Reply("RESTORE", "opt:k", 0, payload, "IDLETIME", 5, "FREQ", 5));
        Assert.Equal("-ERR Invalid IDLETIME value, must be >= 0", Reply("RESTORE", "opt:k", 0, payload, "IDLETIME", -1));
        Assert.Equal("-ERR Invalid FREQ value, must be >= 0 and <= 255", Reply("RESTORE", "opt:k", 0, payload, "FREQ", 256));
        Assert.Equal("-ERR value is not an integer or out of range", Reply("RESTORE", "opt:k", 0, payload, "IDLETIME", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'restore' command", Reply("RESTORE", "opt:k", 0));
        Assert.Equal("OK", Reply("RESTORE", "opt:k", 0, payload, "IDLETIME", 1000, "REPLACE"));
        Assert.InRange(long.Parse(Reply("OBJECT", "IDLETIME", "opt:k")), 1000, 1010);
    }

    [Fact]
    public void RestoreFreqSetsTheLfuCounterUnderAnLfuPolicy()
    {
        using var server = new TestServer();
        IDatabase db = server.Database();
        db.Execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        db.Execute("SET", "src", "v");
        byte[] payload = (byte[])db.Execute("DUMP", "src")!;
        Assert.Equal("OK", db.Execute("RESTORE", "hot", 0, payload, "FREQ", 200).ToString());
        Assert.Equal(200L, (long)db.Execute("OBJECT", "FREQ", "hot"));
    }

    [Fact]
    public void RestoreReadsStringEncodingsIncludingLzf()
    {
        // LZF: one literal 'a', then a back reference of 9 bytes at distance 1.
        byte[] lzf = [0xc3, 5, 10, 0x00, (byte)'a', 0xe0, 0x00, 0x00];
        Assert.Equal("OK", Reply("RESTORE", "enc:lzf", 0, Payload(0, lzf)));
        Assert.Equal("aaaaaaaaaa", Reply("GET", "enc:lzf"));
        Assert.Equal("OK", Reply("RESTORE", "enc:i32", 0, Payload(0, [0xc2, 0x00, 0x00, 0x00, 0x80])));
        Assert.Equal("-2147483648", Reply("GET", "enc:i32"));
        Assert.Equal("-ERR Bad data format", Reply("RESTORE", "enc:badlzf", 0, Payload(0, [0xc3, 5, 10, 0x00, (byte)'a', 0xe0, 0x00, 0x05])));
    }

    [Fact]
    public void RestoreReadsLegacyListEncodings()
    {
        Assert.Equal("OK", Reply("RESTORE", "leg:list1", 0, Payload(1, Concat(Length(2), Str("a"), Str("b")))));
        Assert.Equal("OK", Reply("RESTORE", "leg:zl", 0, Payload(10, Blob(Ziplist("a", 7, -3, 300, "bc")))));
        Assert.Equal("OK", Reply("RESTORE", "leg:ql1", 0, Payload(14, Concat(Length(2), Blob(Ziplist("x", 1)), Blob(Ziplist(2, "y"))))));
        Assert.Equal("OK", Reply("RESTORE", "leg:ql2", 0, Payload(18, Concat(Length(2), Length(1), Str("plain"), Length(2), Blob(Listpack("p", "12"))))));
        Assert.Equal("a,b", List("leg:list1"));
        Assert.Equal("a,7,-3,300,bc", List("leg:zl"));
        Assert.Equal("x,1,2,y", List("leg:ql1"));
        Assert.Equal("plain,p,12", List("leg:ql2"));
    }

    [Fact]
    public void RestoreReadsLegacyHashSetAndSortedSetEncodings()
    {
        Assert.Equal("OK", Reply("RESTORE", "leg:zm", 0, Payload(9, Blob(Zipmap("f", "v", "g", "w")))));
        Assert.Equal("OK", Reply("RESTORE", "leg:hzl", 0, Payload(13, Blob(Ziplist("f", 5, "g", "w")))));
        Assert.Equal("OK", Reply("RESTORE", "leg:h4", 0, Payload(4, Concat(Length(1), Str("f"), Str("v")))));
        Assert.Equal("OK", Reply("RESTORE", "leg:slp", 0, Payload(20, Blob(Listpack("a", "b", "7")))));
        Assert.Equal("OK", Reply("RESTORE", "leg:z3", 0, Payload(3, Concat(Length(3), Str("a"), [3, .. "1.5"u8], Str("b"), [254], Str("c"), [255]))));
        Assert.Equal("OK", Reply("RESTORE", "leg:zzl", 0, Payload(12, Blob(Ziplist("a", 1, "b", "2.5")))));
        Assert.Equal("v", Reply("HGET", "leg:zm", "g") == "w" ? Reply("HGET", "leg:zm", "f") : "wrong");
        Assert.Equal("5", Reply("HGET", "leg:hzl", "f"));
        Assert.Equal("v", Reply("HGET", "leg:h4", "f"));
        Assert.Equal("3", Reply("SCARD", "leg:slp"));
        Assert.Equal("c,-inf,a,1.5,b,inf", List("leg:z3", "ZRANGE", "WITHSCORES"));
        Assert.Equal("a,1,b,2.5", List("leg:zzl", "ZRANGE", "WITHSCORES"));
    }

    [Fact]
    public void CorruptedPayloadsWithAValidChecksumNeverCrashTheServer()
    {
        var random = new Random(4242);
        _db.Execute("RPUSH", "fuzz:l", "a", "bb", "123", "-7", new string('z', 70));
        _db.Execute("HSET", "fuzz:h", "f", "1", "g", "two");
        _db.Execute("ZADD", "fuzz:z", "1", "a", "2.5", "b");
        _db.Execute("SADD", "fuzz:s", "1", "2", "300000");
        foreach (string source in new[] { "fuzz:l", "fuzz:h", "fuzz:z", "fuzz:s" })
        {
            byte[] payload = Dump(source);
            byte[] body = payload[1..^10];
            for (int round = 0; round < 200; round++)
            {
                byte[] mutated = (byte[])body.Clone();
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                string reply = Reply("RESTORE", "fuzz:out", 0, Payload(payload[0], mutated), "REPLACE");
                Assert.True(reply is "OK" or "-ERR Bad data format", $"seed 4242, {source} round {round}: {reply}");
            }
        }
        Assert.Equal("PONG", Reply("PING"));
    }

    private string List(string key, string command = "LRANGE", string? extra = null)
    {
        RedisResult[] items = extra is null
            ? (RedisResult[])_db.Execute(command, key, 0, -1)!
            : (RedisResult[])_db.Execute(command, key, 0, -1, extra)!;
        var text = new StringBuilder();
        foreach (RedisResult item in items)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(item.ToString());
        }
        return text.ToString();
    }
}
