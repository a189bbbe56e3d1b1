using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Commands.PubSub;
using Cairn.Commands.Specs;
using Cairn.Engine.Memory;
using Cairn.Primitives;
using Microsoft.Extensions.Logging;

namespace Cairn.Commands.Execution;

/// <summary>
/// The node's shared state as the command layer sees it: store, configuration, command table, clients, pub/sub and
/// statistics. One per server. Thread safety: everything here is used under <see cref="MemoryStore.Lock"/>, except the
/// immutable table and the Interlocked counters.
/// </summary>
public sealed class ServerContext
{
    public ServerContext(ServerConfig config, TimeProvider time, ILoggerFactory loggerFactory, CommandTable? table = null)
    {
        Config = config;
        Time = time;
        LoggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger("Cairn");
        Store = new MemoryStore(config.Databases, time);
        Table = table ?? new CommandTable();
        PubSub = new PubSubRegistry();
        Notifier = new KeyspaceNotifier(config, PubSub);
        Store.Listener = new Keys.ExpiredEventListener(Notifier); // "expired" events from lazy and active expiry
        StartedAtMilliseconds = time.GetUtcNow().ToUnixTimeMilliseconds();
        RunId = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
    }

    public ServerConfig Config { get; }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    public MemoryStore Store { get; }

    public CommandTable Table { get; }

    public ClientRegistry Clients { get; } = new();

    public PubSubRegistry PubSub { get; }

    public KeyspaceNotifier Notifier { get; }

    public SlowLog SlowLog { get; } = new();

    public BlockingRegistry Blocking { get; } = new();

    /// <summary>Checked before commands flagged denyoom; returns false to refuse with -OOM (set by the eviction policy).</summary>
    public Func<CommandContext, bool>? MemoryGuard { get; set; }

    public ServerStats Stats { get; } = new();

    public List<Client> Monitors { get; } = [];

    public IRandomSource Random { get; } = new SeededRandom((ulong)Environment.TickCount64 ^ 0x5DEECE66DUL);

    public long StartedAtMilliseconds { get; }

    public string RunId { get; }

    public string Version { get; init; } = "7.0.15";

    public int TcpPort { get; set; }

    /// <summary>CLIENT PAUSE: until this time (ms) clients' commands wait (all, or only writes).</summary>
    public long PausedUntilMilliseconds { get; set; }

    public bool PauseWritesOnly { get; set; }

    /// <summary>Set by SHUTDOWN; the host stops the node when it completes.</summary>
    public CancellationTokenSource ShutdownRequested { get; } = new();

    public long NowMilliseconds => Time.GetUtcNow().ToUnixTimeMilliseconds();
}
