using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Keys;

namespace Cairn.Server.Tests.Transactions;

/// <summary>MULTI, EXEC, DISCARD, WATCH and UNWATCH as Redis 7.0 (own server: some tests flush every database).</summary>
public sealed class TransactionTests : IClassFixture<TransactionTests.Fixture>
{
    private readonly TestServer _server;

    public TransactionTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private void Seed(string key, int database = 0, long expiresAt = 0) => KeyspaceSeeder.SetString(_server, key, "v", database, expiresAt);

    [Fact]
    public void ExecRunsTheQueuedCommandsInOrder()
    {
        Seed("tx:a");
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("MULTI"));
        Assert.Equal("+QUEUED", client.Execute("EXISTS", "tx:a"));
        Assert.Equal("+QUEUED", client.Execute("DEL", "tx:a"));
        Assert.Equal("+QUEUED", client.Execute("EXISTS", "tx:a"));
        Assert.Equal("[:1, :1, :0]", client.Execute("EXEC"));
    }

    [Fact]
    public void AnEmptyTransactionRepliesAnEmptyArray()
    {
        using RawClient client = _server.Raw();
        client.Execute("MULTI");
        Assert.Equal("[]", client.Execute("EXEC"));
    }

    [Fact]
    public void ExecAndDiscardWithoutMultiAreErrors()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR EXEC without MULTI", client.Execute("EXEC"));
        Assert.Equal("-ERR DISCARD without MULTI", client.Execute("DISCARD"));
    }

    [Fact]
    public void NestedMultiIsAnErrorThatKeepsTheTransaction()
    {
        Seed("tx:nested");
        using RawClient client = _server.Raw();
        client.Execute("MULTI");
        Assert.Equal("-ERR MULTI calls can not be nested", client.Execute("MULTI"));
        Assert.Equal("+QUEUED", client.Execute("EXISTS", "tx:nested"));
        Assert.Equal("[:1]", client.Execute("EXEC"));
    }

    [Fact]
    public void DiscardDropsTheQueue()
    {
        Seed("tx:discard");
        using RawClient client = _server.Raw();
        client.Execute("MULTI");
        client.Execute("DEL", "tx:discard");
        Assert.Equal("+OK", client.Execute("DISCARD"));
        Assert.Equal(":1", client.Execute("EXISTS", "tx:discard"));
        Assert.Equal("-ERR EXEC without MULTI", client.Execute("EXEC"));
    }

    [Fact]
    public void AQueueingErrorAbortsExec()
    {
        Seed("tx:abort");
        using RawClient client = _server.Raw();
        client.Execute("MULTI");
        Assert.Equal("+QUEUED", client.Execute("DEL", "tx:abort"));
        Assert.StartsWith("-ERR unknown command 'NOSUCH'", client.Execute("NOSUCH", "x"), StringComparison.Ordinal);
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", client.Execute("EXEC"));
        Assert.Equal(":1", client.Execute("EXISTS", "tx:abort"));
        Assert.Equal("-ERR EXEC without MULTI", client.Execute("EXEC"));
    }

    [Fact]
    public void AnArityErrorWhileQueueingAbortsExec()
    {
        Seed("tx:arity");
        using RawClient client = _server.Raw();
        client.Execute("MULTI");
        Assert.Equal("-ERR wrong number of arguments for 'del' command", client.Execute("DEL"));
        Assert.Equal("+QUEUED", client.Execute("DEL", "tx:arity"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", client.Execute("EXEC"));
        Assert.Equal(":1", client.Execute("EXISTS", "tx:arity"));
    }

    [Fact]
    public void ARuntimeErrorDoesNotStopTheOtherCommands()
    {
        Seed("tx:runtime");
        using RawClient client = _server.Raw();
        client.Execute("MULTI");
        client.Execute("RENAME", "tx:runtime:missing", "tx:x");
        client.Execute("DEL", "tx:runtime");
        Assert.Equal("[-ERR no such key, :1]", client.Execute("EXEC"));
    }

    [Fact]
    public void WatchInsideMultiIsRefused()
    {
        using RawClient client = _server.Raw();
        client.Execute("MULTI");
        Assert.Equal("-ERR WATCH inside MULTI is not allowed", client.Execute("WATCH", "tx:w"));
        Assert.Equal("[]", client.Execute("EXEC"));
    }

    [Fact]
    public void AnUntouchedWatchLetsExecRun()
    {
        Seed("tx:calm");
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("WATCH", "tx:calm"));
        client.Execute("MULTI");
        client.Execute("DEL", "tx:calm");
        Assert.Equal("[:1]", client.Execute("EXEC"));
    }

    [Fact]
    public void AnotherClientsWriteBreaksTheWatch()
    {
        Seed("tx:contended");
        using RawClient client = _server.Raw();
        using RawClient other = _server.Raw();
        client.Execute("WATCH", "tx:contended");
        Assert.Equal(":1", other.Execute("EXPIRE", "tx:contended", "100"));
        client.Execute("MULTI");
        Assert.Equal("+QUEUED", client.Execute("PERSIST", "tx:contended"));
        Assert.Equal("(nil array)", client.Execute("EXEC"));
        Assert.NotEqual(":-1", other.Execute("TTL", "tx:contended"));
        // EXEC forgot the watches: the next transaction runs.
        client.Execute("MULTI");
        client.Execute("PERSIST", "tx:contended");
        Assert.Equal("[:1]", client.Execute("EXEC"));
    }

    [Fact]
    public void AWriteToTheSameNameInAnotherDatabaseDoesNotBreakTheWatch()
    {
        Seed("tx:db");
        Seed("tx:db", 1);
        using RawClient client = _server.Raw();
        using RawClient other = _server.Raw();
        client.Execute("WATCH", "tx:db");
        other.Execute("SELECT", "1");
        other.Execute("DEL", "tx:db");
        client.Execute("MULTI");
        client.Execute("EXISTS", "tx:db");
        Assert.Equal("[:1]", client.Execute("EXEC"));
    }

    [Fact]
    public void UnwatchForgetsTheWatchedKeys()
    {
        Seed("tx:unwatch");
        using RawClient client = _server.Raw();
        using RawClient other = _server.Raw();
        client.Execute("WATCH", "tx:unwatch");
        other.Execute("DEL", "tx:unwatch");
        Assert.Equal("+OK", client.Execute("UNWATCH"));
        client.Execute("MULTI");
        client.Execute("EXISTS", "tx:unwatch");
        Assert.Equal("[:0]", client.Execute("EXEC"));
    }

    [Fact]
    public void ExpiryOfAWatchedKeyBreaksTheWatch()
    {
        // The key must still be live when WATCH runs (a key already expired when watched does not break the watch, as in
        // Redis 7), so it gets a second of margin against a slow machine, and the test waits until the deadline has passed.
        long deadline = _server.Context.NowMilliseconds + 1_000;
        Seed("tx:expiring", 0, deadline);
        using RawClient client = _server.Raw();
        client.Execute("WATCH", "tx:expiring");
        while (_server.Context.NowMilliseconds <= deadline + 20)
        {
            Thread.Sleep(50);
        }
        client.Execute("MULTI");
        client.Execute("EXISTS", "tx:expiring");
        Assert.Equal("(nil array)", client.Execute("EXEC"));
    }

    [Fact]
    public void FlushAllBreaksTheWatchOfAnExistingKeyOnly()
    {
        Seed("tx:flushall", 2);
        using RawClient client = _server.Raw();
        using RawClient watcherOfMissing = _server.Raw();
        using RawClient other = _server.Raw();
        client.Execute("SELECT", "2");
        client.Execute("WATCH", "tx:flushall");
        watcherOfMissing.Execute("WATCH", "tx:flushall:never");
        Assert.Equal("+OK", other.Execute("FLUSHALL"));
        client.Execute("MULTI");
        client.Execute("DBSIZE");
        Assert.Equal("(nil array)", client.Execute("EXEC"));
        watcherOfMissing.Execute("MULTI");
        watcherOfMissing.Execute("EXISTS", "tx:flushall:never");
        Assert.Equal("[:0]", watcherOfMissing.Execute("EXEC"));
    }

    [Fact]
    public void FlushDbBreaksTheWatch()
    {
        Seed("tx:flushdb", 3);
        using RawClient client = _server.Raw();
        using RawClient other = _server.Raw();
        client.Execute("SELECT", "3");
        client.Execute("WATCH", "tx:flushdb");
        other.Execute("SELECT", "3");
        other.Execute("FLUSHDB");
        client.Execute("MULTI");
        client.Execute("DBSIZE");
        Assert.Equal("(nil array)", client.Execute("EXEC"));
    }

    [Fact]
    public void SwapDbBreaksTheWatchOfAKeyInEitherDatabase()
    {
        Seed("tx:swap:here", 4);
        Seed("tx:swap:there", 5);
        using RawClient here = _server.Raw();
        using RawClient there = _server.Raw();
        using RawClient neither = _server.Raw();
        using RawClient other = _server.Raw();
        here.Execute("SELECT", "4");
        here.Execute("WATCH", "tx:swap:here");
        there.Execute("SELECT", "4");
        there.Execute("WATCH", "tx:swap:there"); // absent in 4, present in 5: the swap brings it in
        neither.Execute("SELECT", "4");
        neither.Execute("WATCH", "tx:swap:none");
        Assert.Equal("+OK", other.Execute("SWAPDB", "4", "5"));
        foreach (RawClient client in new[] { here, there })
        {
            client.Execute("MULTI");
            client.Execute("DBSIZE");
            Assert.Equal("(nil array)", client.Execute("EXEC"));
        }
        neither.Execute("MULTI");
        neither.Execute("EXISTS", "tx:swap:there");
        Assert.Equal("[:1]", neither.Execute("EXEC"));
    }
}
