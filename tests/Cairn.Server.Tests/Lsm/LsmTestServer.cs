using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Commands.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Lsm;

/// <summary>
/// An in-process node with storage lsm over a data folder that outlives it, so a test can stop it and start another on
/// the same folder (a clean restart). The folder is deleted by <see cref="DeleteData"/>.
/// </summary>
public sealed class LsmTestServer : IDisposable
{
    private readonly CairnServer _server;
    private ConnectionMultiplexer? _multiplexer;
    private bool _stopped;

    public LsmTestServer(string dataDirectory, Action<ServerConfig>? configure = null, Cairn.Primitives.FileSystem.IFileSystem? fileSystem = null)
    {
        DataDirectory = dataDirectory;
        Directory.CreateDirectory(dataDirectory);
        Config = new ServerConfig { Port = 0, Dir = dataDirectory, Storage = "lsm", MaxMemoryBytes = 256 * 1024 };
        configure?.Invoke(Config);
        Context = new ServerContext(Config, TimeProvider.System, NullLoggerFactory.Instance, fileSystem: fileSystem);
        Keyspace = LsmKeyspace.Open(Context);
        _server = new CairnServer(Context);
        _server.Start();
    }

    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), "cairn-lsm-" + Guid.NewGuid().ToString("N"));

    public string DataDirectory { get; }

    public ServerConfig Config { get; }

    public ServerContext Context { get; }

    public LsmKeyspace Keyspace { get; }

    public int Port => _server.Port;

    public ConnectionMultiplexer Multiplexer => _multiplexer ??= ConnectionMultiplexer.Connect(new ConfigurationOptions
    {
        EndPoints = { $"127.0.0.1:{Port}" },
        AllowAdmin = true,
        AbortOnConnectFail = true,
        ConnectTimeout = 5000,
        SyncTimeout = 20000,
        Protocol = RedisProtocol.Resp2,
    });

    public IDatabase Database(int db = 0) => Multiplexer.GetDatabase(db);

    public Infrastructure.RawClient Raw() => new(Port);

    /// <summary>Memory the keyspace accounts for (what maxmemory bounds).</summary>
    public long UsedMemoryBytes
    {
        get
        {
            using (Context.Store.Lock.EnterScope())
            {
                return Context.Store.UsedMemoryBytes;
            }
        }
    }

    /// <summary>Keys resident in memory across databases.</summary>
    public long ResidentKeys
    {
        get
        {
            using (Context.Store.Lock.EnterScope())
            {
                return Context.Store.TotalKeys();
            }
        }
    }

    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        _multiplexer?.Dispose();
        _server.StopAsync().GetAwaiter().GetResult();
        using (Context.Store.Lock.EnterScope())
        {
            Keyspace.Dispose();
        }
    }

    public static void DeleteData(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
