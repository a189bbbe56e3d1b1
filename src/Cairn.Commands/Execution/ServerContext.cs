using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Commands.PubSub;
using Cairn.Commands.Specs;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Eviction;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using Microsoft.Extensions.Logging;

namespace Cairn.Commands.Execution;

/// <summary>
/// The node's shared state as the command layer sees it: store, configuration, command table, clients, pub/sub and
/// statistics. One per server. Thread safety: everything here is used under <see cref="MemoryStore.Lock"/>, except the
/// immutable table and the Interlocked counters.
/// </summary>
public sealed class ServerContext
{
    public ServerContext(ServerConfig config, TimeProvider time, ILoggerFactory loggerFactory, CommandTable? table = null,
        IFileSystem? fileSystem = null)
    {
        FileSystem = fileSystem ?? PhysicalFileSystem.Instance;
        Config = config;
        Time = time;
        LoggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger("Cairn");
        Cairn.Engine.Memory.Streams.StreamCodec.EnsureRegistered(); // snapshots must decode streams before any is created
        Store = new MemoryStore(config.Databases, time);
        Table = table ?? new CommandTable();
        PubSub = new PubSubRegistry();
        Notifier = new KeyspaceNotifier(config, PubSub);
        Store.Listener = Listeners;
        Listeners.Add(new Keys.ExpiredEventListener(Notifier)); // "expired" events from lazy and active expiry
        TimeSeries = new Cairn.Commands.TimeSeries.TimeSeriesRegistry(config.Databases); // TS.* label indexes, one per database
        Listeners.Add(TimeSeries);
        Cairn.Commands.TimeSeries.SeriesCodec.Register(); // snapshots and AOF rewrites carry series
        Json.JsonValueCodec.Register();
        Documents = new Search.DocumentIndexes(this, config.Databases);
        Documents.Attach(Store); // wraps the listeners above: index maintenance and index definitions in snapshots
        StartedAtMilliseconds = time.GetUtcNow().ToUnixTimeMilliseconds();
        Evictor = new Evictor(Store)
        {
            OnEvicted = (db, key) => Notifier.Notify(KeyspaceEvents.Evicted, "evicted", key, db.Index),
        };
        ApplyEvictionSettings();
        Snapshots = new Persistence.SnapshotService(this, FileSystem);
        config.Changed += name =>
        {
            if (name.StartsWith("maxmemory", StringComparison.Ordinal) || name.StartsWith("lfu-", StringComparison.Ordinal))
            {
                ApplyEvictionSettings();
            }
        };
        RunId = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
    }

    public ServerConfig Config { get; }

    /// <summary>Everything that follows keys the engine or the commands remove, move, clear or load (Store.Listener).</summary>
    public Keys.KeyspaceListeners Listeners { get; } = new();

    /// <summary>The TS.* label indexes and series keyspace adapters, one per database.</summary>
    public Cairn.Commands.TimeSeries.TimeSeriesRegistry TimeSeries { get; }

    public Evictor Evictor { get; }

    /// <summary>All disk IO of the node goes through this seam (tests pass in-memory or fault-injecting ones).</summary>
    public IFileSystem FileSystem { get; }

    public Persistence.SnapshotService Snapshots { get; }

    /// <summary>SHUTDOWN NOSAVE: skip the final snapshot.</summary>
    public bool ShutdownWithoutSave { get; set; }

    /// <summary>The append-only file, when appendonly is on.</summary>
    public Persistence.AofService? Aof { get; set; }

    /// <summary>Storage lsm: the LSM under the keyspace (memory is a cache of it). Null in memory mode.</summary>
    public Storage.LsmKeyspace? Lsm { get; set; }

    /// <summary>
    /// What replies wait on under appendfsync always: the AOF writer, or the LSM's group fsync in storage lsm (the two
    /// never run together). Null when the policy lets replies leave at once.
    /// </summary>
    public Cairn.Engine.Memory.Persistence.IDurabilityGate? DurabilityGate =>
        Aof is { Policy: Cairn.Engine.Memory.Persistence.FsyncPolicy.Always } aof ? aof.Writer : Lsm?.DurabilityGate;

    private void ApplyEvictionSettings()
    {
        EvictionSettings settings = Store.Eviction;
        settings.MaxMemoryBytes = Config.MaxMemoryBytes;
        settings.Policy = EvictionPolicies.Parse(Config.MaxMemoryPolicy);
        settings.Samples = Config.MaxMemorySamples;
        settings.LfuLogFactor = Config.LfuLogFactor;
        settings.LfuDecayTimeMinutes = Config.LfuDecayTimeMinutes;
    }

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

    /// <summary>The search indexes of every database, kept in step with the keyspace (FT.*, JSON.*).</summary>
    public Search.DocumentIndexes Documents { get; }



    /// <summary>The cluster this node belongs to; null when cluster-enabled is no (the standalone fast path).</summary>
    public IClusterRouter? Cluster { get; set; }

    public ServerStats Stats { get; } = new();

    public List<Client> Monitors { get; } = [];

    public IRandomSource Random { get; } = new SeededRandom((ulong)Environment.TickCount64 ^ 0x5DEECE66DUL);

    public long StartedAtMilliseconds { get; }

    /// <summary>Highest used_memory seen (updated by the cron).</summary>
    public long PeakMemoryBytes { get; set; }

    public string RunId { get; }

    public string Version { get; init; } = "7.0.15";

    public int TcpPort { get; set; }

    /// <summary>The epoll loops' poll counts since start, summed over the loops (set by the server when it runs them;
    /// null with event-loop sockets).</summary>
    public Func<EventLoopPollCounts>? EventLoopPolls { get; set; }

    /// <summary>CLIENT PAUSE: until this time (ms) clients' commands wait (all, or only writes).</summary>
    public long PausedUntilMilliseconds { get; set; }

    public bool PauseWritesOnly { get; set; }

    /// <summary>Set by SHUTDOWN; the host stops the node when it completes.</summary>
    public CancellationTokenSource ShutdownRequested { get; } = new();

    public long NowMilliseconds => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// <see cref="NowMilliseconds"/> at a <see cref="System.Diagnostics.Stopwatch"/> timestamp just read on this thread:
    /// with the system clock, derived from it (<see cref="WallClock"/>) rather than read again.
    /// </summary>
    public long NowMillisecondsAt(long timestamp) =>
        ReferenceEquals(Time, TimeProvider.System) ? WallClock.UnixMillisecondsAt(timestamp) : NowMilliseconds;
}
