using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Commands.Persistence;
using Cairn.Primitives.FileSystem;
using Cairn.Server;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>
/// An in-process Cairn node on a free loopback port (port 0: the OS picks), with its own data folder; disposed by the
/// test. Use one per test class through IClassFixture, or one per test when the test changes server-wide state.
/// </summary>
public sealed class TestServer : IAsyncDisposable, IDisposable
{
    private readonly CairnServer _server;
    private ConnectionMultiplexer? _multiplexer;

    public TestServer(Action<ServerConfig>? configure = null, string? dataDirectory = null, IFileSystem? fileSystem = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "cairn-test-" + Guid.NewGuid().ToString("N"));
        _ownsDirectory = dataDirectory is null;
        Directory.CreateDirectory(DataDirectory);
        // Two loops, whatever the machine's default: the tests cover requests, wake-ups and blocking across loops.
        Config = new ServerConfig { Port = 0, Dir = DataDirectory, IoThreads = 2 };
        configure?.Invoke(Config);
        Context = new ServerContext(Config, TimeProvider.System, NullLoggerFactory.Instance, fileSystem: fileSystem);
        if (Config.AppendOnly)
        {
            Aof = new AofService(Context, Context.FileSystem);
            Aof.LoadAndStart();
            Context.Aof = Aof;
        }
        else
        {
            Context.Snapshots.LoadIfPresent();
        }
        _server = new CairnServer(Context);
        _server.Start();
    }

    private readonly bool _ownsDirectory;

    public AofService? Aof { get; }

    /// <summary>The server itself (its event loops, for the tests of the loops).</summary>
    internal CairnServer Server => _server;

    public ServerConfig Config { get; }

    public ServerContext Context { get; }

    public string DataDirectory { get; }

    public int Port => _server.Port;

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>A shared StackExchange.Redis multiplexer (admin commands allowed).</summary>
    public ConnectionMultiplexer Multiplexer => _multiplexer ??= Connect();

    public IDatabase Database(int db = 0) => Multiplexer.GetDatabase(db);

    public IServer Admin => Multiplexer.GetServer(Endpoint);

    public ConnectionMultiplexer Connect(Action<ConfigurationOptions>? configure = null)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { Endpoint },
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            SyncTimeout = 10000,
            // StackExchange.Redis 3.x (required by NRedisStack 1.8) negotiates RESP3 by default; the tests were written
            // against 2.8's RESP2 replies (tests that want RESP3 ask for it).
            Protocol = RedisProtocol.Resp2,
        };
        configure?.Invoke(options);
        return ConnectionMultiplexer.Connect(options);
    }

    public RawClient Raw() => new(Port);

    public async ValueTask DisposeAsync()
    {
        _multiplexer?.Dispose();
        await _server.StopAsync();
        Aof?.Dispose();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
