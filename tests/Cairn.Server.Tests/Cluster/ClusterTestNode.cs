using System.Text;
using Cairn.Cluster;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Cluster;

/// <summary>
/// An in-process cluster node on loopback ephemeral ports (client and peer), with test timings: 20 ms ticks, suspect after
/// 300 ms, down after 800 ms. <see cref="CrashAsync"/> stops it without any hand-off and drops its data (kill -9 of a node
/// without persistence); a new instance with the same id is the restarted node.
/// </summary>
internal sealed class ClusterTestNode : IAsyncDisposable
{
    private readonly CairnServer _server;
    private ConnectionMultiplexer? _multiplexer;
    private bool _stopped;

    /// <param name="dataDirectory">Reuse a stopped node's directory (its durable hints), or null for a new one.</param>
    public ClusterTestNode(string nodeId, string seeds, string secret = "test-secret", Action<ServerConfig>? configure = null,
        string? dataDirectory = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "cairn-cluster-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        Config = new ServerConfig
        {
            Port = 0,
            Dir = DataDirectory,
            ClusterEnabled = true,
            ClusterPort = 0,
            ClusterSeeds = seeds,
            ClusterSecret = secret,
            ClusterNodeId = nodeId,
            ClusterTickMilliseconds = 20,
            ClusterSuspectAfterMilliseconds = 300,
            ClusterDownAfterMilliseconds = 800,
            ClusterRequestTimeoutMilliseconds = 1000,
            ClusterAntiEntropyIntervalMilliseconds = 100,
        };
        configure?.Invoke(Config);
        Context = new ServerContext(Config, TimeProvider.System, NullLoggerFactory.Instance);
        _server = new CairnServer(Context);
        _server.Start();
        Cluster = ClusterService.Start(Context, NullLogger.Instance, _server.PeerLinkLoop);
    }

    public string NodeId => Cluster.NodeId;

    public ServerConfig Config { get; }

    public ServerContext Context { get; }

    public ClusterService Cluster { get; }

    public string DataDirectory { get; }

    public int Port => _server.Port;

    public string PeerAddress => Cluster.PeerAddress;

    public IDatabase Database => (_multiplexer ??= ConnectionMultiplexer.Connect(new ConfigurationOptions
    {
        EndPoints = { $"127.0.0.1:{Port}" },
        AllowAdmin = true,
        AbortOnConnectFail = true,
        ConnectTimeout = 5000,
        SyncTimeout = 10000,
        Protocol = RedisProtocol.Resp2,
    })).GetDatabase();

    public Infrastructure.RawClient Raw() => new(Port);

    /// <summary>The value this node holds locally for a key (no routing), or null.</summary>
    public string? LocalValue(string key)
    {
        using (Context.Store.Lock.EnterScope())
        {
            Database db = Context.Store[0];
            int index = db.Find(Encoding.UTF8.GetBytes(key), Context.NowMilliseconds);
            return index < 0 ? null : db.EntryAt(index).Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "(not a string)";
        }
    }

    /// <summary>Cuts this node off from the others (both directions), as a network partition would.</summary>
    public void Isolate(IEnumerable<ClusterTestNode> others, bool isolated)
    {
        foreach (ClusterTestNode other in others)
        {
            if (isolated)
            {
                Cluster.Transport.Blocked[other.NodeId] = true;
                other.Cluster.Transport.Blocked[NodeId] = true;
            }
            else
            {
                Cluster.Transport.Blocked.TryRemove(other.NodeId, out _);
                other.Cluster.Transport.Blocked.TryRemove(NodeId, out _);
            }
        }
    }

    public Task CrashAsync() => StopAsync();

    private async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        _multiplexer?.Dispose();
        await Cluster.DisposeAsync();
        await _server.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails after <paramref name="seconds"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting until " + what);
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Starts <paramref name="count"/> nodes seeded through the first and waits until each sees all as alive.</summary>
    public static async Task<List<ClusterTestNode>> StartClusterAsync(int count, Action<ServerConfig>? configure = null)
    {
        var nodes = new List<ClusterTestNode> { new("node-1", "", configure: configure) };
        for (int i = 2; i <= count; i++)
        {
            nodes.Add(new ClusterTestNode($"node-{i}", nodes[0].PeerAddress, configure: configure));
        }
        await WaitUntilAsync(async () =>
        {
            foreach (ClusterTestNode node in nodes)
            {
                int alive = await node.Cluster.QueryAsync(n => n.Members.Records.Count(r => n.LivenessOf(r.NodeId) == Cairn.Replication.Membership.Liveness.Alive));
                if (alive < count)
                {
                    return false;
                }
            }
            return true;
        }, "every node sees every other as alive");
        return nodes;
    }

    /// <summary>Stops every node, one after the other.</summary>
    public static async Task DisposeAllAsync(IEnumerable<ClusterTestNode> nodes)
    {
        foreach (ClusterTestNode node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
