using System.Runtime.InteropServices;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Commands.Persistence;
using Cairn.Commands.Storage;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives.FileSystem;
using Cairn.Server;
using Cairn.Host.Logging;
using Microsoft.Extensions.Logging;

namespace Cairn.Host;

/// <summary>
/// The `cairn` executable: `cairn [CONFIG-FILE] [--option value ...]` starts a node, as redis-server does.
/// Exit codes: 0 clean shutdown, 1 bad configuration, 2 could not start.
/// </summary>
internal static class Program
{
    private const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string SocketThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    private static async Task<int> Main(string[] args)
    {
        // Socket completions run on the epoll thread instead of hopping to the thread pool: a request is parsed, executed
        // under the store lock and answered on the thread that saw it arrive, as in Redis's event loop (docs/threading.md has
        // the measurement).
        // Must be set before the first socket is created; an explicit setting in the environment wins.
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
        if (args.Length > 0 && args[0] is "--help" or "-h")
        {
            Console.WriteLine("Usage: cairn [/path/to/cairn.conf] [--option value ...]\n" +
                "Examples:\n  cairn\n  cairn --port 7000 --dir /var/lib/cairn\n  cairn ./cairn.conf --loglevel verbose");
            return 0;
        }
        if (args.Length > 1 && args[0] == "cluster" && args[1] == "local")
        {
            return await ClusterLocalVerb.RunAsync(args[2..]);
        }
        if (args.Length > 0 && args[0] == "check")
        {
            return CheckVerb.Run(args[1..]);
        }
        if (args.Length > 0 && args[0] is "--version" or "-v")
        {
            Console.WriteLine($"Cairn server v={NodeInfo.Version}");
            return 0;
        }
        var config = new ServerConfig();
        var errors = new List<string>();
        int first = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            if (!File.Exists(args[0]))
            {
                Console.Error.WriteLine($"Fatal error, can't open config file '{args[0]}'");
                return 1;
            }
            errors.AddRange(config.LoadFile(args[0]));
            first = 1;
        }
        errors.AddRange(config.LoadArguments(args[first..]));
        errors.AddRange(config.CheckCombination());
        if (errors.Count > 0)
        {
            foreach (string error in errors)
            {
                Console.Error.WriteLine($"*** FATAL CONFIG FILE ERROR *** {error}");
            }
            return 1;
        }
        // A cluster node whose clients are on Cairn's epoll loops reads its inbound peer links on its peer event loop
        // (CairnServer.PeerLinkLoop), so .NET's socket engine serves only listeners, dials and handshakes: ONE engine thread
        // is plenty (with inline completions it defaults to one per core). When the engine still read the links, the
        // second thread added no parallelism (node work runs one batch at a time), only wake-ups: 3-node SET at c50, context
        // switches per request 0.44 -> 0.32 (docs/cluster.md, Measured, sixth pass). Must be set before the first socket
        // exists (the engine reads it once); an explicit setting in the environment wins.
        if (config.ClusterEnabled && CairnServer.UsesEventLoops(config) &&
            Environment.GetEnvironmentVariable(SocketThreadCountVariable) is null)
        {
            Environment.SetEnvironmentVariable(SocketThreadCountVariable, "1");
        }
        // Cluster nodes keep the thread pool's no-spin setting (Cairn.Host.csproj) too: peer frames are stepped on the socket
        // threads that read them and routed clients resume there, so the pool runs under 0.01 work items per routed request
        // (INFO cluster_threadpool_work_items) and its workers only spun in sched_yield, 10 % of a 3-node cluster's CPU
        // (perf). Without the spinning, context switches per request halve (0.8 -> 0.4) and CPU per request is the same or
        // lower (docs/cluster.md, Measured).
        using ILoggerFactory loggerFactory = LoggingSetup.Create(config);
        ILogger logger = loggerFactory.CreateLogger("Cairn");
        Directory.CreateDirectory(config.Dir);
        var context = new ServerContext(config, TimeProvider.System, loggerFactory) { Version = NodeInfo.RedisVersion };
        using AofService? aof = config.AppendOnly ? new AofService(context, context.FileSystem) : null;
        LsmKeyspace? lsm = null;
        if (config.LsmStorage)
        {
            // The LSM is the durability: no snapshot or AOF is read or written.
            try
            {
                lsm = LsmKeyspace.Open(context);
            }
            catch (InvalidDataException e)
            {
                logger.LogCritical("Bad LSM store: {Message}. Refusing to start.", e.Message);
                return 1;
            }
            logger.LogInformation("Storage lsm: {Directory}, {Keys} keys in db0", lsm.Directory, lsm.KeyCount(0));
        }
        else if (aof is null)
        {
            try
            {
                context.Snapshots.LoadIfPresent();
            }
            catch (InvalidDataException e)
            {
                logger.LogCritical("Bad snapshot: {Message}. Refusing to start.", e.Message);
                return 1;
            }
        }
        else
        {
            try
            {
                aof.LoadAndStart();
            }
            catch (InvalidDataException e)
            {
                logger.LogCritical("{Message}", e.Message);
                return 1;
            }
            context.Aof = aof;
        }
        await using var server = new CairnServer(context);
        try
        {
            server.Start();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or FormatException)
        {
            logger.LogCritical("Could not listen on {Bind} port {Port}: {Message}", config.Bind, config.Port, e.Message);
            return 2;
        }
        if (lsm is null && (aof is not null || config.Save.Length > 0))
        {
            // The first auto-rewrite or BGSAVE usually starts under load: compile its code now, while idle.
            BackgroundCodeWarmup.StartSnapshotCode(typeof(AofService), typeof(AofManifest), typeof(AofWriter), typeof(SnapshotService),
                typeof(Dispatcher), typeof(Cairn.Commands.Specs.KeyPositions), typeof(Cairn.Commands.Search.DocumentIndexes));
        }
        // A command's first call compiles its code on an event loop (no quick JIT): compile all command code ahead, while
        // no command runs.
        if (config.CodeWarmup)
        {
            long commandsSeen = -1;
            BackgroundCodeWarmup.StartAssemblies(
                () => commandsSeen == (commandsSeen = context.Stats.CommandsProcessed),
                typeof(CairnServer).Assembly, typeof(Dispatcher).Assembly,
                typeof(Cairn.Engine.Memory.MemoryStore).Assembly, typeof(Cairn.Protocol.Resp.RequestParser).Assembly,
                typeof(Cairn.Documents.Json.JsonValue).Assembly, typeof(Cairn.TimeSeries.TimeSeriesStore).Assembly,
                typeof(Cairn.Primitives.Varint).Assembly);
        }
        Cairn.Cluster.ClusterService? cluster = null;
        if (config.ClusterEnabled)
        {
            try
            {
                cluster = Cairn.Cluster.ClusterService.Start(context, loggerFactory.CreateLogger("Cairn.Cluster"), server.PeerLinkLoop);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or FormatException)
            {
                logger.LogCritical("Could not start the cluster: {Message}", e.Message);
                return 2;
            }
        }
        logger.LogInformation("Cairn {Version} started: port {Port}, pid {Pid}, bind {Bind}, dir {Dir}",
            NodeInfo.Version, server.Port, Environment.ProcessId, config.Bind, Path.GetFullPath(config.Dir));
        Console.Out.Flush();

        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            logger.LogInformation("Received {Signal}, scheduling shutdown...", signal.Signal);
            context.ShutdownRequested.Cancel();
        }

        try
        {
            await Task.Delay(Timeout.Infinite, context.ShutdownRequested.Token);
        }
        catch (OperationCanceledException)
        {
        }
        logger.LogInformation("Shutting down: closing {Clients} clients", context.Clients.Count);
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
        await server.StopAsync();
        if (lsm is not null)
        {
            using (context.Store.Lock.EnterScope())
            {
                lsm.Dispose();
            }
        }
        else if (!context.ShutdownWithoutSave && config.Save.Length > 0)
        {
            using (context.Store.Lock.EnterScope())
            {
                logger.LogInformation("Saving the final snapshot before exiting.");
                context.Snapshots.SaveNow();
            }
        }
        logger.LogInformation("Cairn is now ready to exit, bye bye...");
        return 0;
    }
}
