using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Engine.Memory;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Strings;

/// <summary>A server with notify-keyspace-events "KEA" and an <see cref="EventRecorder"/> subscribed to key events.</summary>
public sealed class WriteSignalsFixture : IDisposable
{
    public WriteSignalsFixture()
    {
        Server = new TestServer(config =>
        {
            foreach (ConfigOption option in config.Options)
            {
                if (option.Name == "notify-keyspace-events")
                {
                    Assert.Null(option.Set("KEA"));
                }
            }
        });
        MemoryStore store = Server.Context.Store;
        lock (store.Lock)
        {
            var client = new Client(long.MaxValue, Events, store.NowMilliseconds);
            Server.Context.PubSub.PatternSubscribe(client, "__keyevent@0__:*"u8.ToArray());
        }
    }

    public TestServer Server { get; }

    internal EventRecorder Events { get; } = new();

    public void Dispose() => Server.Dispose();
}
