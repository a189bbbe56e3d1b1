using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Cairn.Server.Tests.Cluster;

/// <summary>
/// The cluster as users run it: `cairn` processes started with the cluster-* options, one of them killed with SIGKILL.
/// </summary>
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    private static NodeProcess Start(string directory, string nodeId, string? seed) =>
        new(directory, [
            "--save", "",
            "--cluster-enabled", "yes", "--cluster-port", "0", "--cluster-secret", "process-test", "--cluster-node-id", nodeId,
            "--cluster-tick-ms", "20", "--cluster-suspect-ms", "300", "--cluster-down-ms", "800",
            "--cluster-request-timeout-ms", "1000", "--cluster-anti-entropy-interval-ms", "100",
            .. seed is null ? Array.Empty<string>() : ["--cluster-seeds", seed],
        ]);

    private static string InfoField(int port, string field)
    {
        using var raw = new RawClient(port);
        return RawClient.InfoField(raw.Execute("INFO", "cluster"), field);
    }

    [Fact]
    public async Task ANodeKilledWithSigkillRejoinsAndIsRepairedToEveryAcknowledgedWrite()
    {
        string root = Path.Combine(Path.GetTempPath(), "cairn-cluster-proc-" + Guid.NewGuid().ToString("N"));
        var directories = Enumerable.Range(1, 3).Select(i => Path.Combine(root, $"n{i}")).ToArray();
        foreach (string directory in directories)
        {
            Directory.CreateDirectory(directory);
        }
        var nodes = new NodeProcess[3];
        try
        {
            nodes[0] = Start(directories[0], "node-1", null);
            string seed = InfoField(nodes[0].Port, "cluster_peer_address");
            nodes[1] = Start(directories[1], "node-2", seed);
            nodes[2] = Start(directories[2], "node-3", seed);
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(nodes.All(n => InfoField(n.Port, "cluster_nodes_alive") == "3")),
                "three processes see each other alive", seconds: 30);

            using var mux = ConnectionMultiplexer.Connect($"127.0.0.1:{nodes[0].Port},127.0.0.1:{nodes[1].Port},protocol=resp2,syncTimeout=10000");
            IDatabase db = mux.GetDatabase();
            var acknowledged = new Dictionary<string, string>();
            for (int i = 0; i < 200; i++)
            {
                await db.StringSetAsync($"proc:{i}", $"a:{i}");
                acknowledged[$"proc:{i}"] = $"a:{i}";
            }
            nodes[2].Kill();
            int errors = 0;
            for (int i = 100; i < 300; i++)
            {
                try
                {
                    await db.StringSetAsync($"proc:{i}", $"b:{i}");
                    acknowledged[$"proc:{i}"] = $"b:{i}";
                }
                catch (RedisServerException)
                {
                    errors++;
                    acknowledged.Remove($"proc:{i}");
                }
            }
            output.WriteLine($"writes with node-3 killed: {200 - errors} acknowledged, {errors} errors");
            nodes[2].Dispose();
            nodes[2] = Start(directories[2], "node-3", seed);
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(InfoField(nodes[2].Port, "cluster_nodes_alive") == "3"
                && InfoField(nodes[0].Port, "cluster_nodes_alive") == "3"), "the restarted node rejoins", seconds: 30);
            using (var raw = new RawClient(nodes[2].Port))
            {
                output.WriteLine("CLUSTER REPAIR: " + raw.Execute("CLUSTER", "REPAIR").Replace("\r\n", " "));
            }
            // Each node's own copy: consistency ONE reads are served by the coordinating node when it is a replica (N = 3 of 3).
            foreach (NodeProcess node in nodes)
            {
                using var raw = new RawClient(node.Port);
                Assert.Equal("+OK", raw.Execute("CLUSTER", "CONSISTENCY", "ONE"));
                await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(acknowledged.All(kv => raw.Execute("GET", kv.Key) == kv.Value)),
                    $"node on port {node.Port} holds every acknowledged write", seconds: 20);
            }
            output.WriteLine($"{acknowledged.Count} acknowledged writes on all three replicas");
        }
        finally
        {
            StopAll(nodes, root);
        }
    }

    /// <summary>The names of the process's threads (Linux: /proc/PID/task/*/comm).</summary>
    private static List<string> ThreadNames(int processId)
    {
        var names = new List<string>();
        foreach (string task in Directory.GetDirectories($"/proc/{processId}/task"))
        {
            try
            {
                names.Add(File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'));
            }
            catch (IOException)
            {
                // the thread exited meanwhile
            }
        }
        return names;
    }

    /// <summary>Context switches (voluntary and not) of the process's threads named <paramref name="name"/>, summed.</summary>
    private static long ContextSwitches(int processId, string name)
    {
        long total = 0;
        foreach (string task in Directory.GetDirectories($"/proc/{processId}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != name)
                {
                    continue;
                }
                foreach (string line in File.ReadAllLines(Path.Combine(task, "status")))
                {
                    if (line.Contains("ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // the thread exited meanwhile
            }
        }
        return total;
    }

    [Fact]
    public async Task AClusterNodeReadsItsPeerLinksOnAnEventLoopNotTheSocketEngineAndAPlainNodeKeepsOneEngineThreadPerCore()
    {
        if (!OperatingSystem.IsLinux() ||
            System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is not
                (System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.Arm64) ||
            Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT") is not null)
        {
            return; // clients are on Cairn's epoll loops only there; an explicit setting inherited from here would win
        }
        string root = Path.Combine(Path.GetTempPath(), "cairn-cluster-threads-" + Guid.NewGuid().ToString("N"));
        var directories = Enumerable.Range(1, 3).Select(i => Path.Combine(root, $"n{i}")).ToArray();
        foreach (string directory in directories)
        {
            Directory.CreateDirectory(directory);
        }
        var nodes = new NodeProcess?[3];
        try
        {
            nodes[0] = Start(directories[0], "node-1", null);
            string seed = InfoField(nodes[0]!.Port, "cluster_peer_address");
            nodes[1] = Start(directories[1], "node-2", seed);
            nodes[2] = new NodeProcess(directories[2], "--save", "");
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(InfoField(nodes[0]!.Port, "cluster_nodes_alive") == "2"
                && InfoField(nodes[1]!.Port, "cluster_nodes_alive") == "2"), "two processes see each other alive", seconds: 30);
            // Routed requests cross both nodes' peer links (N = 2 of 2: every write replicates, every read asks both).
            using (var raw = new RawClient(nodes[1]!.Port))
            {
                Assert.Equal("+OK", raw.Execute("SET", "threads:k", "v"));
                Assert.Equal("v", raw.Execute("GET", "threads:k"));
            }
            using (var raw = new RawClient(nodes[2]!.Port))
            {
                Assert.Equal("+OK", raw.Execute("SET", "threads:plain", "v"));
            }
            foreach (NodeProcess? node in nodes[..2])
            {
                List<string> names = ThreadNames(node!.ProcessId);
                output.WriteLine($"cluster node {node.ProcessId}: {string.Join(", ", names)}");
                Assert.Single(names, name => name == ".NET Sockets");
            }
            // Peer frames are read on the node's peer event loop (CairnServer.PeerLinkLoop): 200 routed requests, each
            // crossing both nodes' links, leave the socket-engine thread asleep (it serves only listeners and dials), where
            // reading the links there woke it for nearly every frame.
            long[] before = [ContextSwitches(nodes[0]!.ProcessId, ".NET Sockets"), ContextSwitches(nodes[1]!.ProcessId, ".NET Sockets")];
            using (var raw = new RawClient(nodes[1]!.Port))
            {
                for (int i = 0; i < 100; i++)
                {
                    Assert.Equal("+OK", raw.Execute("SET", "threads:k", "v" + i));
                    Assert.Equal("v" + i, raw.Execute("GET", "threads:k"));
                }
            }
            for (int i = 0; i < 2; i++)
            {
                long woken = ContextSwitches(nodes[i]!.ProcessId, ".NET Sockets") - before[i];
                output.WriteLine($"cluster node {nodes[i]!.ProcessId}: socket-engine thread switched {woken} times over 200 routed requests");
                Assert.True(woken < 40, $"the socket-engine thread switched {woken} times over 200 routed requests");
            }
            // A plain node keeps .NET's default with inline completions: one engine thread per core.
            List<string> plain = ThreadNames(nodes[2]!.ProcessId);
            Assert.Equal(Environment.ProcessorCount, plain.Count(name => name == ".NET Sockets"));
        }
        finally
        {
            StopAll(nodes, root);
        }
    }

    /// <summary>Stops every node that was started (by its own process) and removes their directories.</summary>
    private static void StopAll(NodeProcess?[] nodes, string root)
    {
        foreach (NodeProcess? node in nodes)
        {
            node?.Dispose();
        }
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
