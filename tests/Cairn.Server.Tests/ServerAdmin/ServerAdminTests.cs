using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.ServerAdmin;

public sealed class ServerAdminTests : IClassFixture<ServerAdminTests.Fixture>
{
    private readonly TestServer _server;

    public ServerAdminTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void InfoHasRedisSectionsAndFields()
    {
        using RawClient client = _server.Raw();
        string info = client.Execute("INFO");
        Assert.Contains("# Server\r\nredis_version:7.0.15", info, StringComparison.Ordinal);
        Assert.Contains("connected_clients:", info, StringComparison.Ordinal);
        Assert.Contains("used_memory:", info, StringComparison.Ordinal);
        Assert.Contains("# Keyspace", info, StringComparison.Ordinal);
        Assert.DoesNotContain("# Commandstats", info, StringComparison.Ordinal);
        client.Execute("ECHO", "x");
        Assert.Contains("cmdstat_echo:calls=", client.Execute("INFO", "commandstats"), StringComparison.Ordinal);
    }

    [Fact]
    public void NetByteTotalsCountEveryClientsBytesAndResetStatZeroesThem()
    {
        using var server = new TestServer();
        using RawClient observer = server.Raw();
        using RawClient writer = server.Raw();
        static long Stat(string info, string name) =>
            long.Parse(RawClient.InfoField(info, name), System.Globalization.CultureInfo.InvariantCulture);
        string before = observer.Execute("INFO", "stats");
        const int writes = 50;
        for (int i = 0; i < writes; i++)
        {
            Assert.Equal("+OK", writer.Execute("SET", "k", "v"));
        }
        string after = observer.Execute("INFO", "stats");
        // Between the two readings: one INFO request and the writer's SETs came in; the first INFO's reply and the "+OK"s went out.
        long requestBytes = RawClient.Encode("INFO", "stats").Length + (writes * RawClient.Encode("SET", "k", "v").Length);
        Assert.Equal(requestBytes, Stat(after, "total_net_input_bytes") - Stat(before, "total_net_input_bytes"));
        long output = Stat(after, "total_net_output_bytes") - Stat(before, "total_net_output_bytes");
        Assert.InRange(output - (writes * "+OK\r\n".Length), 100, 10_000);

        Assert.Equal("+OK", observer.Execute("CONFIG", "RESETSTAT"));
        string reset = observer.Execute("INFO", "stats");
        Assert.InRange(Stat(reset, "total_net_input_bytes"), 0, 100);
        Assert.InRange(Stat(reset, "total_net_output_bytes"), 0, 100);
    }

    [Fact]
    public void ConfigGetSetUsesRedisNamesAndErrors()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[maxmemory-policy, noeviction]", client.Execute("CONFIG", "GET", "maxmemory-policy"));
        Assert.Equal("+OK", client.Execute("CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lru"));
        Assert.Equal("[maxmemory, 10485760]", client.Execute("CONFIG", "GET", "maxmemory"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, allkeys-lru, volatile-lfu, allkeys-lfu, volatile-random, allkeys-random, volatile-ttl, noeviction",
            client.Execute("CONFIG", "SET", "maxmemory-policy", "bogus"));
        Assert.Equal("-ERR Unknown option or number of arguments for CONFIG SET - 'no-such-option'", client.Execute("CONFIG", "SET", "no-such-option", "1"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config", client.Execute("CONFIG", "SET", "port", "1234"));
        Assert.Equal("[code-warmup, yes]", client.Execute("CONFIG", "GET", "code-warmup")); // Cairn's own: read at start only
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'code-warmup') - can't set immutable config",
            client.Execute("CONFIG", "SET", "code-warmup", "no"));
        // All-or-nothing: the valid first pair is rolled back when the second fails.
        client.Execute("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction");
        Assert.StartsWith("-ERR", client.Execute("CONFIG", "SET", "maxmemory", "5mb", "hz", "notanumber"), StringComparison.Ordinal);
        Assert.Equal("[maxmemory, 0]", client.Execute("CONFIG", "GET", "maxmemory"));
    }

    [Fact]
    public void ConfigRewriteWritesChangedValuesAndKeepsComments()
    {
        string file = Path.Combine(Path.GetTempPath(), $"cairn-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "# my comment\nhz 10\n");
        try
        {
            using var server = new TestServer(c => c.LoadFile(file));
            using RawClient client = server.Raw();
            Assert.Equal("+OK", client.Execute("CONFIG", "SET", "hz", "20"));
            Assert.Equal("+OK", client.Execute("CONFIG", "SET", "slowlog-max-len", "77"));
            Assert.Equal("+OK", client.Execute("CONFIG", "REWRITE"));
            string text = File.ReadAllText(file);
            Assert.Contains("# my comment", text, StringComparison.Ordinal);
            Assert.Contains("hz 20", text, StringComparison.Ordinal);
            Assert.Contains("slowlog-max-len 77", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void CommandInfoAndCountComeFromTheSpecs()
    {
        using RawClient client = _server.Raw();
        string count = client.Execute("COMMAND", "COUNT");
        Assert.True(int.Parse(count[1..], System.Globalization.CultureInfo.InvariantCulture) > 20);
        string echo = client.Execute("COMMAND", "INFO", "echo");
        Assert.StartsWith("[[echo, :2, [+fast], :0, :0, :0", echo, StringComparison.Ordinal);
        Assert.Equal("[(nil array)]", client.Execute("COMMAND", "INFO", "no-such-command"));
        Assert.Equal("[k1, k2]", client.Execute("COMMAND", "GETKEYS", "WATCH", "k1", "k2"));
        Assert.Equal("-ERR The command has no key arguments", client.Execute("COMMAND", "GETKEYS", "ECHO", "x"));
        Assert.Contains("summary", client.Execute("COMMAND", "DOCS", "echo"), StringComparison.Ordinal);
    }

    [Fact]
    public void SlowlogRecordsCommandsOverTheThreshold()
    {
        using var server = new TestServer(c => c.SlowlogLogSlowerThanMicroseconds = 0);
        using RawClient client = server.Raw();
        client.Execute("SLOWLOG", "RESET");
        client.Execute("ECHO", "slow");
        Assert.NotEqual(":0", client.Execute("SLOWLOG", "LEN"));
        Assert.Contains("[ECHO, slow]", client.Execute("SLOWLOG", "GET", "2"), StringComparison.Ordinal);
    }

    [Fact]
    public void MonitorStreamsOtherClientsCommands()
    {
        using RawClient monitor = _server.Raw();
        Assert.Equal("+OK", monitor.Execute("MONITOR"));
        using RawClient other = _server.Raw();
        other.Execute("ECHO", "watched\"quote");
        string line = monitor.ReadReply();
        Assert.Matches("^\\+\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"ECHO\" \"watched\\\\\"quote\"$", line);
    }

    [Fact]
    public void ClientCommandsManageConnections()
    {
        using RawClient a = _server.Raw();
        using RawClient b = _server.Raw();
        Assert.Equal("+OK", a.Execute("CLIENT", "SETNAME", "alpha"));
        Assert.Equal("-ERR Client names cannot contain spaces, newlines or special characters.", a.Execute("CLIENT", "SETNAME", "a b"));
        string id = a.Execute("CLIENT", "ID")[1..];
        Assert.Contains($"id={id} ", b.Execute("CLIENT", "LIST"), StringComparison.Ordinal);
        Assert.Contains("name=alpha", b.Execute("CLIENT", "LIST", "ID", id), StringComparison.Ordinal);
        Assert.Equal(":1", b.Execute("CLIENT", "KILL", "ID", id));
        Assert.True(a.IsClosedByServer());
    }

    [Fact]
    public void AuthIsRequiredWhenRequirepassIsSet()
    {
        using var server = new TestServer(c => c.RequirePass = "s3cret");
        using RawClient client = server.Raw();
        Assert.Equal("-NOAUTH Authentication required.", client.Execute("ECHO", "x"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", client.Execute("AUTH", "nope"));
        Assert.Equal("+OK", client.Execute("AUTH", "s3cret"));
        Assert.Equal("x", client.Execute("ECHO", "x"));
        using RawClient hello = server.Raw();
        Assert.StartsWith("{server: redis", hello.Execute("HELLO", "3", "AUTH", "default", "s3cret"), StringComparison.Ordinal);
        using RawClient unauthenticated = server.Raw();
        unauthenticated.Send("*20\r\n");
        Assert.Equal("-ERR Protocol error: unauthenticated multibulk length", unauthenticated.ReadReply());
    }

    [Fact]
    public void ClientUnblockEndsABlockedCommandAsTimeoutOrError()
    {
        using RawClient blocked = _server.Raw();
        using RawClient admin = _server.Raw();
        string id = blocked.Execute("CLIENT", "ID")[1..];
        blocked.SendCommand("BLPOP", "unblock-list", "0");
        string reply = ":0";
        for (int i = 0; i < 200 && reply == ":0"; i++)
        {
            reply = admin.Execute("CLIENT", "UNBLOCK", id);
            Thread.Sleep(reply == ":0" ? 10 : 0);
        }
        Assert.Equal(":1", reply);
        Assert.Equal("(nil array)", blocked.ReadReply());
        blocked.SendCommand("BLPOP", "unblock-list", "0");
        reply = ":0";
        for (int i = 0; i < 200 && reply == ":0"; i++)
        {
            reply = admin.Execute("CLIENT", "UNBLOCK", id, "ERROR");
            Thread.Sleep(reply == ":0" ? 10 : 0);
        }
        Assert.Equal(":1", reply);
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK", blocked.ReadReply());
        Assert.Equal(":0", admin.Execute("CLIENT", "UNBLOCK", id));
        Assert.Equal("+PONG", blocked.Execute("PING"));
    }

    [Fact]
    public void ClientReplyOffSuppressesReplies()
    {
        using RawClient client = _server.Raw();
        client.SendCommand("CLIENT", "REPLY", "OFF");
        client.SendCommand("ECHO", "hidden");
        client.SendCommand("CLIENT", "REPLY", "ON");
        Assert.Equal("+OK", client.ReadReply());
        Assert.Equal("shown", client.Execute("ECHO", "shown"));
    }

    [Fact]
    public void MaxClientsRefusesExtraConnections()
    {
        using var server = new TestServer(c => c.MaxClients = 2);
        using RawClient a = server.Raw();
        using RawClient b = server.Raw();
        a.Execute("PING");
        b.Execute("PING");
        using RawClient c = server.Raw();
        Assert.Equal("-ERR max number of clients reached", c.ReadReply());
    }

    [Fact]
    public void ShutdownStopsTheNode()
    {
        using var server = new TestServer();
        using RawClient client = server.Raw();
        client.SendCommand("SHUTDOWN", "NOSAVE");
        Assert.True(client.IsClosedByServer());
        Assert.True(server.Context.ShutdownRequested.IsCancellationRequested);
    }

    [Fact]
    public void TimeRepliesSecondsAndMicroseconds()
    {
        RedisResult result = _server.Database().Execute("TIME");
        var parts = (RedisResult[])result!;
        Assert.Equal(2, parts.Length);
        long seconds = (long)parts[0];
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
    }
}
