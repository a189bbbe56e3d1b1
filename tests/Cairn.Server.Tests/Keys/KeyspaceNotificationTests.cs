using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

/// <summary>Keyspace events of the generic commands, with notify-keyspace-events "KEAn" on the class's own server.</summary>
public sealed class KeyspaceNotificationTests : IClassFixture<KeyspaceNotificationTests.Fixture>
{
    private readonly TestServer _server;

    public KeyspaceNotificationTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new(c => c.Apply("notify-keyspace-events", "KEAn", atStartup: true));

        public void Dispose() => Server.Dispose();
    }

    private void Seed(string key, int database = 0, long expiresAt = 0) => KeyspaceSeeder.SetString(_server, key, "v", database, expiresAt);

    /// <summary>Keyevent messages ("channel key") that mention <paramref name="prefix"/>.</summary>
    private static List<string> EventsFor(EventRecorder recorder, string prefix) =>
        recorder.Messages.Where(m => m.StartsWith("__keyevent@", StringComparison.Ordinal) && m.Contains(' ' + prefix, StringComparison.Ordinal)).ToList();

    [Fact]
    public void DelPublishesOnBothChannels()
    {
        EventRecorder events = EventRecorder.Subscribe(_server, "__key*__:*");
        Seed("n:del");
        using RawClient client = _server.Raw();
        client.Execute("DEL", "n:del", "n:del:missing");
        Assert.Contains("__keyspace@0__:n:del del", events.Messages);
        Assert.Equal(["__keyevent@0__:del n:del"], EventsFor(events, "n:del"));
    }

    [Fact]
    public void RenamePublishesNewThenFromThenTo()
    {
        EventRecorder events = EventRecorder.Subscribe(_server, "__keyevent@*");
        Seed("n:ren:a");
        Seed("n:ren:b");
        using RawClient client = _server.Raw();
        client.Execute("RENAME", "n:ren:a", "n:ren:b");
        Assert.Equal(["__keyevent@0__:new n:ren:b", "__keyevent@0__:rename_from n:ren:a", "__keyevent@0__:rename_to n:ren:b"], EventsFor(events, "n:ren"));
    }

    [Fact]
    public void CopyPublishesCopyToInTheTargetDatabase()
    {
        EventRecorder events = EventRecorder.Subscribe(_server, "__keyevent@*");
        Seed("n:copy");
        using RawClient client = _server.Raw();
        client.Execute("COPY", "n:copy", "n:copy2", "DB", "3");
        Assert.Equal(["__keyevent@3__:new n:copy2", "__keyevent@3__:copy_to n:copy2"], EventsFor(events, "n:copy"));
    }

    [Fact]
    public void MovePublishesInBothDatabases()
    {
        EventRecorder events = EventRecorder.Subscribe(_server, "__keyevent@*");
        Seed("n:move");
        using RawClient client = _server.Raw();
        client.Execute("MOVE", "n:move", "6");
        Assert.Equal(["__keyevent@6__:new n:move", "__keyevent@0__:move_from n:move", "__keyevent@6__:move_to n:move"], EventsFor(events, "n:move"));
    }

    [Fact]
    public void ExpireAndPersistPublishTheirEventsAndAPastTimePublishesDel()
    {
        EventRecorder events = EventRecorder.Subscribe(_server, "__keyevent@*");
        Seed("n:exp");
        using RawClient client = _server.Raw();
        client.Execute("EXPIRE", "n:exp", "100");
        client.Execute("EXPIRE", "n:exp", "50", "GT"); // refused: no event
        client.Execute("PERSIST", "n:exp");
        client.Execute("PERSIST", "n:exp"); // nothing to remove: no event
        client.Execute("PEXPIREAT", "n:exp", "1");
        Assert.Equal(["__keyevent@0__:expire n:exp", "__keyevent@0__:persist n:exp", "__keyevent@0__:del n:exp"], EventsFor(events, "n:exp"));
    }

    [Fact]
    public void LazyExpiryPublishesExpired()
    {
        EventRecorder events = EventRecorder.Subscribe(_server, "__keyevent@*");
        Seed("n:lazy", 0, _server.Context.NowMilliseconds + 60_000);
        KeyspaceSeeder.Read(_server, s =>
        {
            s[0].MoveDeadlineUnscheduled(s[0].FindRaw("n:lazy"u8), 1); // due; only a look-up can see it
            return 0;
        });
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("EXISTS", "n:lazy"));
        Assert.Equal(["__keyevent@0__:expired n:lazy"], EventsFor(events, "n:lazy"));
    }

    [Fact]
    public void ActiveExpiryPublishesExpired()
    {
        EventRecorder events = EventRecorder.Subscribe(_server, "__keyevent@*");
        Seed("n:active", 9, _server.Context.NowMilliseconds + 20);
        Assert.True(events.WaitFor("__keyevent@9__:expired n:active"));
    }

    [Fact]
    public void FlushAndSwapPublishNoKeyEvents()
    {
        EventRecorder events = EventRecorder.Subscribe(_server, "__keyevent@*");
        Seed("n:flush", 12);
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "12");
        client.Execute("SWAPDB", "12", "13");
        client.Execute("SELECT", "13");
        client.Execute("FLUSHDB");
        Assert.Empty(EventsFor(events, "n:flush"));
    }
}
