using Cairn.Engine.Memory.Keyspace;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

public sealed class KeyCommandsTests : IClassFixture<KeyCommandsTests.Fixture>
{
    private readonly TestServer _server;

    public KeyCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private void Seed(string key, string value = "v", int database = 0, long expiresAt = 0) =>
        KeyspaceSeeder.SetString(_server, key, value, database, expiresAt);

    private long Now => _server.Context.NowMilliseconds;

    [Fact]
    public void DelRemovesExistingKeysAndCountsEachOnce()
    {
        Seed("del:a");
        Seed("del:b");
        using RawClient client = _server.Raw();
        Assert.Equal(":2", client.Execute("DEL", "del:a", "del:b", "del:missing", "del:a"));
        Assert.Equal(":0", client.Execute("EXISTS", "del:a", "del:b"));
        Assert.Equal(":0", client.Execute("DEL", "del:a"));
    }

    [Fact]
    public void UnlinkDeletesLikeDel()
    {
        Seed("unlink:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("UNLINK", "unlink:a", "unlink:missing"));
        Assert.Equal(":0", client.Execute("EXISTS", "unlink:a"));
    }

    [Fact]
    public void DelOfAnExpiredKeyCountsNothing()
    {
        Seed("del:expired", expiresAt: Now - 1);
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("DEL", "del:expired"));
    }

    [Fact]
    public void ExistsCountsDuplicateArguments()
    {
        Seed("exists:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":3", client.Execute("EXISTS", "exists:a", "exists:a", "exists:missing", "exists:a"));
    }

    [Fact]
    public void ExistsCountsHitsAndMisses()
    {
        Seed("exists:stats");
        long hits = KeyspaceSeeder.Read(_server, s => s.Stats.KeyspaceHits);
        long misses = KeyspaceSeeder.Read(_server, s => s.Stats.KeyspaceMisses);
        using RawClient client = _server.Raw();
        client.Execute("EXISTS", "exists:stats", "exists:nope");
        Assert.Equal(hits + 1, KeyspaceSeeder.Read(_server, s => s.Stats.KeyspaceHits));
        Assert.Equal(misses + 1, KeyspaceSeeder.Read(_server, s => s.Stats.KeyspaceMisses));
    }

    [Fact]
    public void TypeNamesEachKindOfValue()
    {
        Seed("type:string");
        KeyspaceSeeder.SetValue(_server, "type:list"u8.ToArray(), new TestCollection(DataType.List, "listpack", ["x"]));
        KeyspaceSeeder.SetValue(_server, "type:zset"u8.ToArray(), new TestCollection(DataType.SortedSet, "listpack", ["x"]));
        KeyspaceSeeder.SetValue(_server, "type:hash"u8.ToArray(), new TestCollection(DataType.Hash, "listpack", ["x"]));
        KeyspaceSeeder.SetValue(_server, "type:set"u8.ToArray(), new TestCollection(DataType.Set, "intset", ["1"]));
        KeyspaceSeeder.SetValue(_server, "type:stream"u8.ToArray(), new TestCollection(DataType.Stream, "stream", ["1"]));
        using RawClient client = _server.Raw();
        Assert.Equal("+string", client.Execute("TYPE", "type:string"));
        Assert.Equal("+list", client.Execute("TYPE", "type:list"));
        Assert.Equal("+zset", client.Execute("TYPE", "type:zset"));
        Assert.Equal("+hash", client.Execute("TYPE", "type:hash"));
        Assert.Equal("+set", client.Execute("TYPE", "type:set"));
        Assert.Equal("+stream", client.Execute("TYPE", "type:stream"));
        Assert.Equal("+none", client.Execute("TYPE", "type:missing"));
    }

    [Fact]
    public void TypeOfAnExpiredKeyIsNone()
    {
        Seed("type:expired", expiresAt: Now - 1);
        using RawClient client = _server.Raw();
        Assert.Equal("+none", client.Execute("TYPE", "type:expired"));
        Assert.False(KeyspaceSeeder.IsStored(_server, "type:expired"));
    }

    [Fact]
    public void RenameMovesTheValueAndItsTtl()
    {
        Seed("rename:src", "hello", expiresAt: Now + 100_000);
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("RENAME", "rename:src", "rename:dst"));
        Assert.Equal(":0", client.Execute("EXISTS", "rename:src"));
        long ttl = long.Parse(client.Execute("PTTL", "rename:dst")[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 90_000, 100_000);
        Assert.Equal("hello"u8.ToArray(), (byte[])KeyspaceSeeder.ValueOf(_server, "rename:dst")!);
    }

    [Fact]
    public void RenameOverwritesTheDestinationAndItsTtl()
    {
        Seed("rename2:src", "new");
        Seed("rename2:dst", "old", expiresAt: Now + 100_000);
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("RENAME", "rename2:src", "rename2:dst"));
        Assert.Equal(":-1", client.Execute("TTL", "rename2:dst"));
        Assert.Equal("new"u8.ToArray(), (byte[])KeyspaceSeeder.ValueOf(_server, "rename2:dst")!);
    }

    [Fact]
    public void RenameOfAMissingKeyIsAnError()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR no such key", client.Execute("RENAME", "rename:nope", "rename:x"));
        Assert.Equal("-ERR no such key", client.Execute("RENAMENX", "rename:nope", "rename:x"));
        Assert.Equal("-ERR no such key", client.Execute("RENAME", "rename:nope", "rename:nope"));
        Seed("rename:gone", expiresAt: Now - 1);
        Assert.Equal("-ERR no such key", client.Execute("RENAME", "rename:gone", "rename:x"));
    }

    [Fact]
    public void RenameOntoItselfChangesNothing()
    {
        Seed("rename:self", expiresAt: Now + 100_000);
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("RENAME", "rename:self", "rename:self"));
        Assert.Equal(":0", client.Execute("RENAMENX", "rename:self", "rename:self"));
        Assert.Equal(":1", client.Execute("EXISTS", "rename:self"));
        Assert.NotEqual(":-1", client.Execute("TTL", "rename:self"));
    }

    [Fact]
    public void RenameNxRefusesAnExistingDestination()
    {
        Seed("renamenx:src", "a");
        Seed("renamenx:dst", "b");
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("RENAMENX", "renamenx:src", "renamenx:dst"));
        Assert.Equal("b"u8.ToArray(), (byte[])KeyspaceSeeder.ValueOf(_server, "renamenx:dst")!);
        Assert.Equal(":1", client.Execute("RENAMENX", "renamenx:src", "renamenx:new"));
        Assert.Equal(":0", client.Execute("EXISTS", "renamenx:src"));
    }

    [Fact]
    public void RenameKeepsTheAccessClock()
    {
        Seed("rename:idle");
        SetAccess("rename:idle", secondsAgo: 7);
        using RawClient client = _server.Raw();
        client.Execute("RENAME", "rename:idle", "rename:idle2");
        AssertIdleSeconds(client, "rename:idle2", 7);
    }

    [Fact]
    public void CopyDuplicatesTheValueAndTtl()
    {
        Seed("copy:src", "data", expiresAt: Now + 100_000);
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("COPY", "copy:src", "copy:dst"));
        Assert.Equal(":1", client.Execute("EXISTS", "copy:src"));
        Assert.NotEqual(":-1", client.Execute("TTL", "copy:dst"));
        byte[] source = (byte[])KeyspaceSeeder.ValueOf(_server, "copy:src")!;
        byte[] copy = (byte[])KeyspaceSeeder.ValueOf(_server, "copy:dst")!;
        Assert.Equal(source, copy);
        Assert.NotSame(source, copy);
    }

    [Fact]
    public void CopyRefusesAnExistingDestinationUnlessReplace()
    {
        Seed("copy2:src", "new");
        Seed("copy2:dst", "old", expiresAt: Now + 100_000);
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("COPY", "copy2:src", "copy2:dst"));
        Assert.Equal("old"u8.ToArray(), (byte[])KeyspaceSeeder.ValueOf(_server, "copy2:dst")!);
        Assert.Equal(":1", client.Execute("COPY", "copy2:src", "copy2:dst", "replace"));
        Assert.Equal("new"u8.ToArray(), (byte[])KeyspaceSeeder.ValueOf(_server, "copy2:dst")!);
        Assert.Equal(":-1", client.Execute("TTL", "copy2:dst"));
    }

    [Fact]
    public void CopyToAnotherDatabaseMayKeepTheName()
    {
        Seed("copy3:k", "x");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("COPY", "copy3:k", "copy3:k", "DB", "5"));
        Assert.Equal(":0", client.Execute("COPY", "copy3:k", "copy3:k", "DB", "5"));
        Assert.Equal(":1", client.Execute("COPY", "copy3:k", "copy3:k", "DB", "5", "REPLACE"));
        Assert.Equal("+OK", client.Execute("SELECT", "5"));
        Assert.Equal(":1", client.Execute("EXISTS", "copy3:k"));
    }

    [Fact]
    public void CopyOfACollectionIsDeep()
    {
        var original = new TestCollection(DataType.List, "quicklist", ["a", "b"]);
        KeyspaceSeeder.SetValue(_server, "copy4:list"u8.ToArray(), original);
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("COPY", "copy4:list", "copy4:copy"));
        Assert.Equal("+list", client.Execute("TYPE", "copy4:copy"));
        Assert.Equal("quicklist", client.Execute("OBJECT", "ENCODING", "copy4:copy"));
        var copy = (TestCollection)KeyspaceSeeder.ValueOf(_server, "copy4:copy")!;
        Assert.NotSame(original, copy);
        Assert.Equal(["a", "b"], copy.Items);
    }

    [Fact]
    public void CopyRepliesRedisErrors()
    {
        Seed("copy5:k");
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("COPY", "copy5:missing", "copy5:x"));
        Assert.Equal("-ERR source and destination objects are the same", client.Execute("COPY", "copy5:k", "copy5:k"));
        Assert.Equal("-ERR source and destination objects are the same", client.Execute("COPY", "copy5:k", "copy5:k", "DB", "0"));
        Assert.Equal("-ERR DB index is out of range", client.Execute("COPY", "copy5:k", "copy5:x", "DB", "16"));
        Assert.Equal("-ERR DB index is out of range", client.Execute("COPY", "copy5:k", "copy5:x", "DB", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("COPY", "copy5:k", "copy5:x", "DB", "one"));
        Assert.Equal("-ERR value is out of range, value must between -2147483648 and 2147483647",
            client.Execute("COPY", "copy5:k", "copy5:x", "DB", "4294967296"));
        Assert.Equal("-ERR syntax error", client.Execute("COPY", "copy5:k", "copy5:x", "DB"));
        Assert.Equal("-ERR syntax error", client.Execute("COPY", "copy5:k", "copy5:x", "FORCE"));
        // Options are checked before the source is looked up.
        Assert.Equal("-ERR syntax error", client.Execute("COPY", "copy5:missing", "copy5:x", "FORCE"));
        Assert.Equal("-ERR wrong number of arguments for 'copy' command", client.Execute("COPY", "copy5:k"));
        Assert.Equal(":0", client.Execute("EXISTS", "copy5:x"));
    }

    [Fact]
    public void MoveTransfersTheKeyWithItsTtl()
    {
        Seed("move:k", "payload", expiresAt: Now + 100_000);
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("MOVE", "move:k", "3"));
        Assert.Equal(":0", client.Execute("EXISTS", "move:k"));
        Assert.Equal("+OK", client.Execute("SELECT", "3"));
        Assert.Equal(":1", client.Execute("EXISTS", "move:k"));
        Assert.NotEqual(":-1", client.Execute("TTL", "move:k"));
        Assert.Equal("payload"u8.ToArray(), (byte[])KeyspaceSeeder.ValueOf(_server, "move:k", 3)!);
    }

    [Fact]
    public void MoveRefusesWhenTheTargetHasTheKeyOrTheSourceDoesNot()
    {
        Seed("move2:k", "here");
        Seed("move2:k", "there", database: 4);
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("MOVE", "move2:k", "4"));
        Assert.Equal(":0", client.Execute("MOVE", "move2:missing", "4"));
        Assert.Equal("here"u8.ToArray(), (byte[])KeyspaceSeeder.ValueOf(_server, "move2:k")!);
        Assert.Equal("there"u8.ToArray(), (byte[])KeyspaceSeeder.ValueOf(_server, "move2:k", 4)!);
    }

    [Fact]
    public void MoveRepliesRedisErrors()
    {
        Seed("move3:k");
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR source and destination objects are the same", client.Execute("MOVE", "move3:k", "0"));
        Assert.Equal("-ERR DB index is out of range", client.Execute("MOVE", "move3:k", "16"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("MOVE", "move3:k", "x"));
        Assert.Equal("-ERR value is out of range, value must between -2147483648 and 2147483647",
            client.Execute("MOVE", "move3:k", "-4294967296"));
        Assert.Equal("-ERR wrong number of arguments for 'move' command", client.Execute("MOVE", "move3:k"));
    }

    [Fact]
    public void KeysMatchesThePatternAndSkipsExpiredKeysWithoutDeletingThem()
    {
        const int db = 7;
        Seed("one", database: db);
        Seed("two", database: db);
        Seed("three", database: db);
        Seed("", database: db);
        Seed("gone", database: db, expiresAt: Now + 60_000);
        KeyspaceSeeder.Read(_server, s =>
        {
            // Past its deadline but still stored; the active cycle only looks at the deadline heap it was queued with.
            s[db].MoveDeadlineUnscheduled(s[db].FindRaw("gone"u8), Now - 1);
            return 0;
        });
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "7");
        Assert.Equal(["", "one", "three", "two"], Sorted(client.Execute("KEYS", "*")));
        Assert.Equal(["three", "two"], Sorted(client.Execute("KEYS", "t*")));
        Assert.Equal(["one", "three", "two"], Sorted(client.Execute("KEYS", "**"))); // stringmatch never matches ""
        Assert.Equal(["one"], Sorted(client.Execute("KEYS", "o[mn]e")));
        Assert.Equal("[]", client.Execute("KEYS", "nothing*"));
        Assert.True(KeyspaceSeeder.IsStored(_server, "gone", db));
        Assert.Equal(":5", client.Execute("DBSIZE"));
    }

    [Fact]
    public void RandomKeyReturnsNilOnAnEmptyDatabaseAndALiveKeyOtherwise()
    {
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "8");
        Assert.Equal("(nil)", client.Execute("RANDOMKEY"));
        Seed("only", database: 8);
        Assert.Equal("only", client.Execute("RANDOMKEY"));
    }

    [Fact]
    public void RandomKeyDeletesExpiredKeysItMeets()
    {
        for (int i = 0; i < 20; i++)
        {
            Seed("dead" + i, database: 9, expiresAt: Now - 1);
        }
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "9");
        Assert.Equal("(nil)", client.Execute("RANDOMKEY"));
        Assert.Equal(0, KeyspaceSeeder.Read(_server, s => s[9].Count));
        Seed("alive", database: 9);
        Seed("dead", database: 9, expiresAt: Now - 1);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("alive", client.Execute("RANDOMKEY"));
        }
    }

    [Fact]
    public void TouchCountsLiveKeysAndResetsTheirIdleTime()
    {
        Seed("touch:a");
        SetAccess("touch:a", secondsAgo: 100);
        using RawClient client = _server.Raw();
        AssertIdleSeconds(client, "touch:a", 100);
        Assert.Equal(":1", client.Execute("EXISTS", "touch:a")); // EXISTS and TYPE leave the access clock alone
        AssertIdleSeconds(client, "touch:a", 100);
        Assert.Equal("+string", client.Execute("TYPE", "touch:a"));
        AssertIdleSeconds(client, "touch:a", 100);
        Assert.Equal(":2", client.Execute("TOUCH", "touch:a", "touch:missing", "touch:a"));
        AssertIdleSeconds(client, "touch:a", 0);
    }

    [Theory]
    [InlineData("12345", "int")]
    [InlineData("-1", "int")]
    [InlineData("0", "int")]
    [InlineData("9223372036854775807", "int")]
    [InlineData("-9223372036854775808", "int")]
    [InlineData("9223372036854775808", "embstr")]
    [InlineData("01", "embstr")]
    [InlineData("+1", "embstr")]
    [InlineData(" 1", "embstr")]
    [InlineData("", "embstr")]
    [InlineData("hello", "embstr")]
    [InlineData("12345678901234567890123456789012345678901234", "embstr")]
    [InlineData("123456789012345678901234567890123456789012345", "raw")]
    public void ObjectEncodingOfAStringFollowsItsBytes(string value, string encoding)
    {
        string key = "enc:" + value;
        Seed(key, value);
        using RawClient client = _server.Raw();
        Assert.Equal(encoding, client.Execute("OBJECT", "ENCODING", key));
    }

    [Fact]
    public void ObjectEncodingOfAStringBuiltInPlaceIsRawAsRedisLeavesIt()
    {
        // Redis: APPEND to an existing key, SETRANGE, SETBIT and BITOP's result are raw whatever they hold; APPEND that
        // creates the key, SET and INCR pick by the bytes.
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("APPEND", "raw:append", "1"));
        Assert.Equal("int", client.Execute("OBJECT", "ENCODING", "raw:append"));
        Assert.Equal(":2", client.Execute("APPEND", "raw:append", "2"));
        Assert.Equal("raw", client.Execute("OBJECT", "ENCODING", "raw:append"));
        Assert.Equal("12", client.Execute("GET", "raw:append"));
        Assert.Equal(":13", client.Execute("INCR", "raw:append"));
        Assert.Equal("int", client.Execute("OBJECT", "ENCODING", "raw:append"));
        client.Execute("SET", "raw:range", "abc");
        Assert.Equal(":3", client.Execute("SETRANGE", "raw:range", "1", "x"));
        Assert.Equal("raw", client.Execute("OBJECT", "ENCODING", "raw:range"));
        Assert.Equal(":0", client.Execute("SETBIT", "raw:bit", "7", "1"));
        Assert.Equal("raw", client.Execute("OBJECT", "ENCODING", "raw:bit"));
        Assert.Equal(":1", client.Execute("BITOP", "NOT", "raw:op", "raw:bit"));
        Assert.Equal("raw", client.Execute("OBJECT", "ENCODING", "raw:op"));
        Assert.Equal(":0", client.Execute("GETBIT", "raw:op", "7"));
        Assert.Equal(":1", client.Execute("GETBIT", "raw:op", "0"));
        client.Execute("SET", "raw:range", "abc");
        Assert.Equal("embstr", client.Execute("OBJECT", "ENCODING", "raw:range"));
    }

    [Fact]
    public void ObjectEncodingOfACollectionComesFromTheValue()
    {
        KeyspaceSeeder.SetValue(_server, "enc:set"u8.ToArray(), new TestCollection(DataType.Set, "intset", ["1"]));
        using RawClient client = _server.Raw();
        Assert.Equal("intset", client.Execute("OBJECT", "ENCODING", "enc:set"));
        Assert.Equal("(nil)", client.Execute("OBJECT", "ENCODING", "enc:missing"));
    }

    [Fact]
    public void ObjectFreqNeedsAnLfuPolicyAndIdleTimeRefusesOne()
    {
        Seed("freq:k");
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            client.Execute("OBJECT", "FREQ", "freq:k"));
        Assert.Equal("(nil)", client.Execute("OBJECT", "FREQ", "freq:missing"));
        _server.Context.Config.MaxMemoryPolicy = "allkeys-lfu";
        try
        {
            Assert.Equal("-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
                client.Execute("OBJECT", "IDLETIME", "freq:k"));
            Assert.StartsWith(":", client.Execute("OBJECT", "FREQ", "freq:k"), StringComparison.Ordinal);
        }
        finally
        {
            _server.Context.Config.MaxMemoryPolicy = "noeviction";
        }
    }

    [Fact]
    public void ObjectRefcountAndHelp()
    {
        Seed("refcount:k");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("OBJECT", "REFCOUNT", "refcount:k"));
        Assert.Equal("(nil)", client.Execute("OBJECT", "REFCOUNT", "refcount:missing"));
        string help = client.Execute("OBJECT", "HELP");
        Assert.StartsWith("[+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, +ENCODING <key>, ", help, StringComparison.Ordinal);
        Assert.EndsWith("+HELP, +    Print this help.]", help, StringComparison.Ordinal);
        Assert.Equal("-ERR unknown subcommand 'nope'. Try OBJECT HELP.", client.Execute("OBJECT", "nope", "refcount:k"));
        Assert.Equal("-ERR wrong number of arguments for 'object|encoding' command", client.Execute("OBJECT", "ENCODING"));
        Assert.Equal("-ERR wrong number of arguments for 'object|help' command", client.Execute("OBJECT", "HELP", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'object' command", client.Execute("OBJECT"));
    }

    [Theory]
    [InlineData("DEL")]
    [InlineData("UNLINK")]
    [InlineData("EXISTS")]
    [InlineData("TOUCH")]
    [InlineData("TYPE")]
    [InlineData("RENAME a")]
    [InlineData("RENAMENX a")]
    [InlineData("KEYS")]
    [InlineData("RANDOMKEY x")]
    [InlineData("DBSIZE x")]
    [InlineData("SWAPDB 0")]
    [InlineData("SCAN")]
    [InlineData("EXPIRE k")]
    [InlineData("TTL")]
    [InlineData("PERSIST")]
    public void WrongArgumentCountsAreRefused(string commandLine)
    {
        string[] args = commandLine.Split(' ');
        using RawClient client = _server.Raw();
        Assert.Equal($"-ERR wrong number of arguments for '{args[0].ToLowerInvariant()}' command", client.Execute(args));
    }

    /// <summary>
    /// OBJECT IDLETIME is <paramref name="seconds"/>, or one more: the access clock counts whole seconds, and one may end
    /// between setting a key's access time and reading it back.
    /// </summary>
    private static void AssertIdleSeconds(RawClient client, string key, int seconds)
    {
        string reply = client.Execute("OBJECT", "IDLETIME", key);
        Assert.True(reply == $":{seconds}" || reply == $":{seconds + 1}", $"OBJECT IDLETIME {key}: {reply}, expected {seconds}");
    }

    private void SetAccess(string key, uint secondsAgo) =>
        KeyspaceSeeder.Read(_server, s =>
        {
            int index = s[0].FindRaw(System.Text.Encoding.UTF8.GetBytes(key));
            s[0].EntryAt(index).Access = s.AccessClockNow() - secondsAgo;
            return 0;
        });

    private static List<string> Sorted(string arrayReply)
    {
        Assert.StartsWith("[", arrayReply, StringComparison.Ordinal);
        string inner = arrayReply[1..^1];
        List<string> items = [.. inner.Split(", ")];
        items.Sort(StringComparer.Ordinal);
        return items;
    }
}
