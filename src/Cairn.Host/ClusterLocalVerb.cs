using System.Globalization;
using System.Runtime.InteropServices;
using Cairn.Cluster;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Server;
using Microsoft.Extensions.Logging;

namespace Cairn.Host;

/// <summary>
/// `cairn cluster local --nodes N [--port P] [--secret S]`: starts N cluster nodes on loopback in this process for a user to
/// try (client ports P, P+1, ...; peer ports +10000), prints their endpoints, and stops them all on Ctrl-C.
/// </summary>
internal static class ClusterLocalVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        int nodes = 3;
        int basePort = 7000;
        string secret = "cairn-local";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--nodes":
                    nodes = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--port":
                    basePort = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--secret":
                    secret = args[i + 1];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: cairn cluster local --nodes N [--port P] [--secret S]");
                    return 1;
            }
        }
        if (nodes is < 1 or > 32)
        {
            Console.Error.WriteLine("--nodes must be 1..32");
            return 1;
        }
        using ILoggerFactory loggerFactory = LoggerFactory.Create(b => b.AddConsole().SetMinimumLevel(LogLevel.Warning));
        var servers = new List<(CairnServer Server, ClusterService Cluster)>();
        string seeds = string.Join(',', Enumerable.Range(0, nodes).Select(i => $"127.0.0.1:{basePort + 10000 + i}"));
        for (int i = 0; i < nodes; i++)
        {
            var config = new ServerConfig
            {
                Port = basePort + i,
                Dir = Path.Combine(Path.GetTempPath(), $"cairn-cluster-local-{basePort + i}"),
                ClusterEnabled = true,
                ClusterPort = basePort + 10000 + i,
                ClusterSeeds = seeds,
                ClusterSecret = secret,
                ClusterNodeId = $"node-{i + 1}",
                ClusterSuspectAfterMilliseconds = 2000,
                ClusterDownAfterMilliseconds = 5000,
            };
            Directory.CreateDirectory(config.Dir);
            var context = new ServerContext(config, TimeProvider.System, loggerFactory) { Version = NodeInfo.RedisVersion };
            var server = new CairnServer(context);
            server.Start();
            servers.Add((server, ClusterService.Start(context, loggerFactory.CreateLogger("Cairn.Cluster"), server.PeerLinkLoop)));
            Console.WriteLine($"node-{i + 1}: redis-cli -p {server.Port}    (peer port {basePort + 10000 + i})");
        }
        Console.WriteLine($"{nodes} nodes up (N={Math.Min(3, nodes)} R=2 W=2 by default). Try: redis-cli -p {basePort} SET k v; redis-cli -p {basePort} CLUSTER NODES. Ctrl-C stops them all.");
        var stop = new TaskCompletionSource();
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        await stop.Task;
        foreach ((CairnServer server, ClusterService cluster) in servers)
        {
            await cluster.DisposeAsync();
            await server.StopAsync();
        }
        Console.WriteLine("stopped");
        return 0;
    }
}
