using System.Text;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

/// <summary>
/// The keyspace's compact layout: small strings embedded with their key, strings turning raw when changed in place,
/// expiry in a side table keyed by slot. Each test checks the values through real commands and that used_memory still
/// equals the sum of what every key holds.
/// </summary>
public sealed class KeyspaceLayoutTests : IClassFixture<KeyspaceLayoutTests.Fixture>
{
    private readonly TestServer _server;

    public KeyspaceLayoutTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void StringsMoveBetweenEmbeddedAndRawWithoutLosingBytesOrAccounting()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("+OK", c.Execute("SET", "lay:s", "hello"));
        Assert.True(IsEmbedded("lay:s"));
        Assert.Equal("+OK", c.Execute("SET", "lay:s", "world")); // same length: written in place
        Assert.Equal("world", c.Execute("GET", "lay:s"));
        Assert.Equal(":11", c.Execute("SETRANGE", "lay:s", "6", "again"));
        Assert.False(IsEmbedded("lay:s")); // changed in place: its own array, as embstr turns raw
        Assert.Equal("world\0again", c.Execute("GET", "lay:s"));
        Assert.Equal(":1", c.Execute("SETBIT", "lay:s", "2", "0")); // 'w' (0x77) -> 'W' (0x57), in the raw array
        Assert.Equal("World\0again", c.Execute("GET", "lay:s"));
        Assert.Equal("+OK", c.Execute("SET", "lay:s", "short"));
        Assert.True(IsEmbedded("lay:s"));
        Assert.Equal(":69", c.Execute("APPEND", "lay:s", new string('a', 64)));
        Assert.Equal("short" + new string('a', 64), c.Execute("GET", "lay:s"));
        Assert.Equal(":69", c.Execute("STRLEN", "lay:s"));
        Assert.Equal("aaa", c.Execute("GETRANGE", "lay:s", "-3", "-1"));
        Assert.Equal("+OK", c.Execute("SET", "lay:n", "9"));
        Assert.Equal(":10", c.Execute("INCR", "lay:n"));
        Assert.Equal(":9", c.Execute("DECR", "lay:n"));
        Assert.Equal("9", c.Execute("GET", "lay:n"));
        Assert.Equal(":0", c.Execute("SETBIT", "lay:bits", "100", "1")); // created: 13 zero bytes, then the bit
        Assert.Equal(":1", c.Execute("BITCOUNT", "lay:bits"));
        Assert.Equal(":1", c.Execute("SETBIT", "lay:bits", "100", "0"));
        Assert.Equal(":0", c.Execute("BITCOUNT", "lay:bits"));
        Assert.Equal(":5", c.Execute("SETRANGE", "lay:new", "2", "abc"));
        Assert.Equal("\0\0abc", c.Execute("GET", "lay:new"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
        Assert.Equal(":4", c.Execute("DEL", "lay:s", "lay:n", "lay:bits", "lay:new"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
    }

    [Fact]
    public void ExpiryFollowsItsKeyThroughOverwritesRenamesAndSlotReuse()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("+OK", c.Execute("SET", "ttl:a", "v1", "PX", "100"));
        Assert.Equal(":1", c.Execute("DEL", "ttl:a"));
        // The freed slot goes to the next key; the deadline heap still names it, and must not expire the newcomer.
        Assert.Equal("+OK", c.Execute("SET", "ttl:b", "v2"));
        Assert.Equal("+OK", c.Execute("SET", "ttl:c", "v3", "EX", "100"));
        Assert.Equal("+OK", c.Execute("SET", "ttl:c", "v4", "KEEPTTL")); // same length, in place, deadline kept
        Assert.True(long.Parse(c.Execute("TTL", "ttl:c")[1..], System.Globalization.CultureInfo.InvariantCulture) > 90);
        Assert.Equal("+OK", c.Execute("RENAME", "ttl:c", "ttl:d"));
        Assert.True(long.Parse(c.Execute("PTTL", "ttl:d")[1..], System.Globalization.CultureInfo.InvariantCulture) > 90_000);
        Assert.Equal(":1", c.Execute("PERSIST", "ttl:d"));
        Assert.Equal(":-1", c.Execute("TTL", "ttl:d"));
        Assert.Equal("+OK", c.Execute("SET", "ttl:e", "v5", "PX", "150"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
        Thread.Sleep(400); // past the deleted key's deadline and ttl:e's: the active cycle runs on its own
        Assert.Equal("v2", c.Execute("GET", "ttl:b"));
        Assert.Equal(":-1", c.Execute("TTL", "ttl:b"));
        Assert.Equal("v4", c.Execute("GET", "ttl:d"));
        Assert.Equal("(nil)", c.Execute("GET", "ttl:e"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
    }

    [Fact]
    public void TypeEncodingCopyAndDumpReadEmbeddedStrings()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("+OK", c.Execute("SET", "enc:int", "12345"));
        Assert.Equal("+OK", c.Execute("SET", "enc:emb", "abc"));
        Assert.Equal("+OK", c.Execute("SET", "enc:raw", new string('r', 100)));
        Assert.Equal("+string", c.Execute("TYPE", "enc:emb"));
        Assert.Equal("int", c.Execute("OBJECT", "ENCODING", "enc:int"));
        Assert.Equal("embstr", c.Execute("OBJECT", "ENCODING", "enc:emb"));
        Assert.Equal("raw", c.Execute("OBJECT", "ENCODING", "enc:raw"));
        Assert.Equal(":1", c.Execute("COPY", "enc:emb", "enc:copy"));
        Assert.Equal("abc", c.Execute("GET", "enc:copy"));
        Assert.Equal(":1", c.Execute("EXISTS", "enc:copy"));
        StackExchange.Redis.IDatabase db = _server.Database();
        byte[]? dump = db.KeyDump("enc:emb");
        Assert.NotNull(dump);
        db.KeyRestore("enc:restored", dump, TimeSpan.FromMinutes(1));
        Assert.Equal("abc", c.Execute("GET", "enc:restored"));
        Assert.True(long.Parse(c.Execute("TTL", "enc:restored")[1..], System.Globalization.CultureInfo.InvariantCulture) > 50);
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
    }

    [Fact]
    public void SmallHashesLiveInTheirKeysArrayUntilTheyOutgrowIt()
    {
        using RawClient c = _server.Raw();
        Assert.Equal(":2", c.Execute("HSET", "hlay:h", "name", "n1", "age", "42"));
        Assert.True(IsEmbedded("hlay:h"));
        Assert.Equal("listpack", c.Execute("OBJECT", "ENCODING", "hlay:h"));
        Assert.Equal("+hash", c.Execute("TYPE", "hlay:h"));
        Assert.Equal("n1", c.Execute("HGET", "hlay:h", "name"));
        Assert.Equal(":0", c.Execute("HSET", "hlay:h", "name", "n2")); // same length: in place
        Assert.Equal(":1", c.Execute("HSET", "hlay:h", "city", "Lyon")); // grows its array
        Assert.Equal(":0", c.Execute("HSETNX", "hlay:h", "city", "Paris"));
        Assert.Equal(":43", c.Execute("HINCRBY", "hlay:h", "age", "1"));
        Assert.Equal("43.5", c.Execute("HINCRBYFLOAT", "hlay:h", "age", "0.5"));
        Assert.Equal("[name, n2, age, 43.5, city, Lyon]", c.Execute("HGETALL", "hlay:h"));
        Assert.Equal(":3", c.Execute("HLEN", "hlay:h"));
        Assert.Equal(":1", c.Execute("HDEL", "hlay:h", "city", "nope"));
        Assert.Equal("[name, age]", c.Execute("HKEYS", "hlay:h"));
        Assert.True(IsEmbedded("hlay:h"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));

        // Copies, renames and dumps read the embedded hash and store it embedded again.
        Assert.Equal(":1", c.Execute("COPY", "hlay:h", "hlay:copy"));
        Assert.Equal("+OK", c.Execute("RENAME", "hlay:copy", "hlay:renamed"));
        Assert.Equal("n2", c.Execute("HGET", "hlay:renamed", "name"));
        Assert.True(IsEmbedded("hlay:renamed"));
        StackExchange.Redis.IDatabase db = _server.Database();
        byte[]? dump = db.KeyDump("hlay:h");
        Assert.NotNull(dump);
        db.KeyRestore("hlay:restored", dump);
        Assert.Equal("43.5", c.Execute("HGET", "hlay:restored", "age"));

        // A value over hash-max-listpack-value: a hashtable object of its own; the fields survive.
        Assert.Equal(":1", c.Execute("HSET", "hlay:h", "long", new string('x', 100)));
        Assert.False(IsEmbedded("hlay:h"));
        Assert.Equal("hashtable", c.Execute("OBJECT", "ENCODING", "hlay:h"));
        Assert.Equal("n2", c.Execute("HGET", "hlay:h", "name"));
        Assert.Equal(":3", c.Execute("HLEN", "hlay:h"));

        // More than the embedding limit of packed bytes: a listpack object of its own.
        for (int i = 0; i < 40; i++)
        {
            c.Execute("HSET", "hlay:big", "field:" + i, "value-value-" + i);
        }
        Assert.False(IsEmbedded("hlay:big"));
        Assert.Equal("listpack", c.Execute("OBJECT", "ENCODING", "hlay:big"));
        Assert.Equal("value-value-39", c.Execute("HGET", "hlay:big", "field:39"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));

        // Emptied: removed, and the accounting returns to what the other keys hold.
        Assert.Equal(":2", c.Execute("HDEL", "hlay:renamed", "name", "age"));
        Assert.Equal(":0", c.Execute("EXISTS", "hlay:renamed"));
        Assert.Equal(":1", c.Execute("HSET", "hlay:dup", "f", "1", "f", "2")); // duplicate field in one command
        Assert.Equal("2", c.Execute("HGET", "hlay:dup", "f"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
    }

    private bool IsEmbedded(string key)
    {
        MemoryStore store = _server.Context.Store;
        using (store.Lock.EnterScope())
        {
            Database db = store[0];
            int index = db.FindRaw(Encoding.UTF8.GetBytes(key));
            Assert.True(index >= 0, key + " is missing");
            // An embedded string's key array also holds the value, so its stored key comes back as a copy.
            return !ReferenceEquals(db.KeyAt(index), db.KeyAt(index));
        }
    }
}
