using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

/// <summary>The cron's active expiry reclaims keys nobody reads. Own server, so nothing else touches the keys.</summary>
public sealed class ActiveExpiryTests : IClassFixture<ActiveExpiryTests.Fixture>
{
    private readonly TestServer _server;

    public ActiveExpiryTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new(c => c.Apply("notify-keyspace-events", "Ex", atStartup: true));

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void UntouchedVolatileKeysAreReclaimedWithoutAccess()
    {
        const int db = 2;
        EventRecorder events = EventRecorder.Subscribe(_server, "__keyevent@2__:expired");
        KeyspaceSeeder.SetVolatileStrings(_server, "volatile:", 1_000, ttlMilliseconds: 50, db);
        KeyspaceSeeder.SetString(_server, "persistent", "v", db);
        Assert.Equal(1_001, KeyspaceSeeder.Read(_server, s => s[db].Count));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (KeyspaceSeeder.Read(_server, s => s[db].Count) > 1 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        Assert.Equal(1, KeyspaceSeeder.Read(_server, s => s[db].Count));
        Assert.Equal(0, KeyspaceSeeder.Read(_server, s => s[db].VolatileCount));
        Assert.True(KeyspaceSeeder.IsStored(_server, "persistent", db));
        Assert.Equal(1_000, events.Messages.Count);
        Assert.Contains("__keyevent@2__:expired volatile:999", events.Messages);
    }

    [Fact]
    public void WatchIsBrokenWhenTheActiveCycleExpiresAWatchedKey()
    {
        KeyspaceSeeder.SetString(_server, "watched", "v", 0, _server.Context.NowMilliseconds + 1_000); // live when watched, even on a slow machine
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("WATCH", "watched"));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (KeyspaceSeeder.IsStored(_server, "watched") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.False(KeyspaceSeeder.IsStored(_server, "watched"));
        Assert.Equal("+OK", client.Execute("MULTI"));
        Assert.Equal("+QUEUED", client.Execute("DBSIZE"));
        Assert.Equal("(nil array)", client.Execute("EXEC"));
    }
}
