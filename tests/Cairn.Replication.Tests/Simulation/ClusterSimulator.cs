using System.Text;
using Cairn.Primitives;
using Cairn.Replication.AntiEntropy;
using Cairn.Replication.Membership;
using Cairn.Replication.Node;
using Cairn.Replication.Protocol;

namespace Cairn.Replication.Tests.Simulation;

/// <summary>
/// Runs a whole cluster of real <see cref="ReplicationNode"/>s in one thread on simulated time: a network that delays,
/// reorders and drops messages and can be partitioned, nodes that crash (keeping their durable store and version table,
/// losing everything else) and restart, skewed clocks, and clients writing unique values to their own keys through random
/// coordinators. Every draw comes from one seeded source, so a seed replays a run exactly.
/// Checks while running: a read returns the last acknowledged write of its client or a later attempted one (R + W &gt; N).
/// Checks at the end, after healing, restarting every node and a quiet phase: every replica of every key holds the same
/// version and value, and it is the last acknowledged write or a later attempted one: no acknowledged write was lost.
/// </summary>
internal sealed class ClusterSimulator
{
    private const int TickMilliseconds = 10;
    private const int MaxDelayMilliseconds = 8;
    private const int MaxClockSkewMilliseconds = 1;
    private const int ThinkMilliseconds = 5;

    private readonly SeededRandom _random;
    private readonly SimulationOptions _options;
    private readonly List<SimNode> _nodes = [];
    private readonly PriorityQueue<PeerMessage, (long At, long Sequence)> _network = new();
    private readonly List<ClientState> _clients = [];
    private readonly StringBuilder _trace = new();
    private long _now;
    private long _sequence;
    private long _nextRequestId = 1;
    private int _isolated = -1;
    private bool _joined;

    public ClusterSimulator(ulong seed)
    {
        Seed = seed;
        _random = new SeededRandom(seed);
        _options = SimulationOptions.FromSeed(seed);
        for (int i = 0; i < _options.Nodes; i++)
        {
            _nodes.Add(new SimNode($"n{i}", new SimulatedStore(), _random.NextInt(2 * MaxClockSkewMilliseconds + 1) - MaxClockSkewMilliseconds));
        }
        for (int i = 0; i < _nodes.Count; i++)
        {
            Start(i);
        }
        for (int c = 0; c < _options.Clients; c++)
        {
            var keys = new List<string>();
            for (int k = 0; k < _options.KeysPerClient; k++)
            {
                keys.Add($"c{c}:k{k}");
            }
            _clients.Add(new ClientState(c, keys));
        }
    }

    public ulong Seed { get; }

    public string Trace => _trace.ToString();

    public long AcknowledgedWrites { get; private set; }

    public long ReadsChecked { get; private set; }

    public long Refusals { get; private set; }

    public SimulationOptions Options => _options;

    /// <summary>Runs the fault phase, heals, runs the quiet phase, and checks. Throws on a violated property.</summary>
    public void Run()
    {
        _trace.AppendLine($"seed {Seed}: {_options}");
        long faultEnd = _options.FaultPhaseMilliseconds;
        long nextFault = 500;
        while (_now < faultEnd)
        {
            if (_now >= nextFault)
            {
                InjectFault();
                nextFault = _now + 300 + _random.NextInt(900);
            }
            Advance();
        }
        Heal();
        long quietEnd = _now + _options.QuietPhaseMilliseconds;
        bool repaired = false;
        while (_now < quietEnd || _clients.Exists(c => c.Pending is not null))
        {
            if (!repaired && _now > faultEnd + 1000)
            {
                foreach (SimNode node in _nodes)
                {
                    node.Node!.RequestRepair(); // the operator's CLUSTER REPAIR once everyone is back
                }
                repaired = true;
            }
            Advance(clientsActive: _now < quietEnd - 3000);
            Invariant.Require(_now < quietEnd + 60_000, "clients never finished");
        }
        CheckConvergence();
    }

    private void Start(int index)
    {
        SimNode sim = _nodes[index];
        sim.Incarnation++;
        sim.Node = new ReplicationNode(new ReplicationOptions
        {
            NodeId = sim.Id,
            Incarnation = sim.Incarnation,
            Random = new SeededRandom(_random.NextUInt64()),
            PartitionCount = 16,
            ReplicationFactor = 3,
            SuspectAfterTicks = 5,
            DownAfterTicks = 15,
            RequestTimeoutTicks = 8,
            AntiEntropyIntervalTicks = 2,
            HintReplayIntervalTicks = 2,
            MerkleDepth = 4,
            SloppyQuorum = _options.SloppyQuorum,
        }, sim.Store, sim.Versions);
        sim.Versions = sim.Node.Versions;
        sim.Up = true;
        for (int j = 0; j < _nodes.Count; j++)
        {
            if (j != index)
            {
                // The seed list: every node knows the others' ids, as the shell learns them in the handshake.
                sim.Node.Introduce(new MemberRecord(_nodes[j].Id, "", "", 0, 0, false));
            }
        }
    }

    private void InjectFault()
    {
        if (_options.Join && !_joined && _now > _options.FaultPhaseMilliseconds / 2)
        {
            // A new node joins through the others as seeds; gossip tells the rest. Its partitions stream to it.
            _joined = true;
            _nodes.Add(new SimNode($"n{_nodes.Count}", new SimulatedStore(), 0));
            _trace.AppendLine($"{_now}: join {_nodes[^1].Id}");
            Start(_nodes.Count - 1);
            return;
        }
        int choice = _random.NextInt(4);
        if (choice == 0 && _options.Partitions)
        {
            if (_isolated < 0)
            {
                _isolated = _random.NextInt(_nodes.Count);
                _trace.AppendLine($"{_now}: isolate {_nodes[_isolated].Id}");
            }
            else
            {
                _trace.AppendLine($"{_now}: heal partition");
                _isolated = -1;
            }
        }
        else if (choice == 1 && _options.Crashes)
        {
            int downCount = _nodes.Count(n => !n.Up);
            int index = _random.NextInt(_nodes.Count);
            if (_nodes[index].Up && downCount == 0)
            {
                _trace.AppendLine($"{_now}: crash {_nodes[index].Id}");
                _nodes[index].Up = false;
                _nodes[index].Node = null;
                foreach (ClientState client in _clients)
                {
                    if (client.Pending is { } pending && pending.Coordinator == _nodes[index])
                    {
                        client.Pending = null; // the connection dropped: the outcome is unknown (the write stays attempted)
                        client.NextAt = _now + ThinkMilliseconds;
                    }
                }
            }
            else if (!_nodes[index].Up)
            {
                _trace.AppendLine($"{_now}: restart {_nodes[index].Id}");
                Start(index);
            }
        }
    }

    private void Heal()
    {
        _trace.AppendLine($"{_now}: heal all");
        _isolated = -1;
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (!_nodes[i].Up)
            {
                Start(i);
            }
        }
    }

    /// <summary>One millisecond of simulated time.</summary>
    private void Advance(bool clientsActive = true)
    {
        _now++;
        while (_network.TryPeek(out _, out var at) && at.At <= _now)
        {
            PeerMessage message = _network.Dequeue();
            SimNode? target = _nodes.Find(n => n.Id == message.To);
            if (target is { Up: true } && Reachable(message.From, message.To))
            {
                target.Node!.Step(message, PhysicalTime(target));
                Drain(target);
            }
        }
        if (_now % TickMilliseconds == 0)
        {
            foreach (SimNode node in _nodes)
            {
                if (node.Up)
                {
                    node.Node!.Tick(PhysicalTime(node));
                    Drain(node);
                }
            }
        }
        if (clientsActive)
        {
            foreach (ClientState client in _clients)
            {
                if (client.Pending is null && _now >= client.NextAt)
                {
                    IssueRequest(client);
                }
            }
        }
    }

    private void IssueRequest(ClientState client)
    {
        var live = _nodes.Where(n => n.Up).ToList();
        SimNode coordinator = live[_random.NextInt(live.Count)];
        string key = client.Keys[_random.NextInt(client.Keys.Count)];
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        bool write = _random.NextInt(3) != 0;
        long id = _nextRequestId++;
        ReplicationNode node = coordinator.Node!;
        int partition = node.Layout.PartitionOfKey(keyBytes);
        if (write)
        {
            string value = $"{key}#{++client.Sequence}";
            client.Attempted[key] = [.. client.Attempted.GetValueOrDefault(key, []), value];
            client.Pending = new PendingRequest(id, coordinator, key, value);
            node.Submit(id, new Operation(partition, [keyBytes], SimulatedStore.Set(value), true, 3, 2), PhysicalTime(coordinator));
        }
        else
        {
            client.Pending = new PendingRequest(id, coordinator, key, null);
            node.Submit(id, new Operation(partition, [keyBytes], SimulatedStore.Get(), false, 3, 2), PhysicalTime(coordinator));
        }
        Drain(coordinator);
    }

    private void Drain(SimNode sim)
    {
        if (sim.Node is null)
        {
            return;
        }
        foreach (PeerMessage message in sim.Node.TakeMessages())
        {
            // Every message goes through the codec, as on the wire.
            Invariant.Require(PeerMessageCodec.TryDecode(PeerMessageCodec.Encode(message), out PeerMessage? copy), "codec round trip");
            if (_random.NextDouble() < _options.LossProbability)
            {
                continue;
            }
            long at = _now + 1 + _random.NextInt(MaxDelayMilliseconds);
            _network.Enqueue(copy!, (at, _sequence++));
        }
        foreach (Completion completion in sim.Node.TakeCompletions())
        {
            ClientState? client = _clients.Find(c => c.Pending is { } p && p.RequestId == completion.RequestId && p.Coordinator == sim);
            if (client is null)
            {
                continue;
            }
            OnCompletion(client, completion);
        }
    }

    private void OnCompletion(ClientState client, Completion completion)
    {
        PendingRequest request = client.Pending!;
        client.Pending = null;
        client.NextAt = _now + ThinkMilliseconds + _random.NextInt(10);
        if (completion.Status == CompletionStatus.NoQuorum)
        {
            Refusals++;
        }
        if (completion.Status != CompletionStatus.Ok)
        {
            return;
        }
        if (request.Value is { } value)
        {
            AcknowledgedWrites++;
            client.LastAcknowledged[request.Key] = value;
            client.Attempted[request.Key] = [value];
            return;
        }
        if (_joined)
        {
            return; // while placement changes, a read quorum of the new list may miss a write quorum of the old one
        }
        if (_options.SloppyQuorum)
        {
            return; // a sloppy quorum may acknowledge on hints alone: reads need not see the write until handoff
        }
        ReadsChecked++;
        string read = Encoding.UTF8.GetString(completion.Reply);
        CheckAllowed(client, request.Key, read == "(nil)" ? null : read, "read");
    }

    private void CheckAllowed(ClientState client, string key, string? value, string what)
    {
        // Attempted[key] starts with the last acknowledged value and holds every write issued after it.
        List<string> allowed = client.Attempted.GetValueOrDefault(key, []);
        bool ok = value is null ? !client.LastAcknowledged.ContainsKey(key) : allowed.Contains(value);
        if (!ok)
        {
            Invariant.Fail($"seed {Seed}: {what} of {key} at {_now} returned {value ?? "(nil)"}; allowed: " +
                $"{(client.LastAcknowledged.ContainsKey(key) ? "" : "(nil) ")}{string.Join(" ", allowed)}\n{Trace}");
        }
    }

    private void CheckConvergence()
    {
        foreach (ClientState client in _clients)
        {
            foreach (string key in client.Keys)
            {
                byte[] keyBytes = Encoding.UTF8.GetBytes(key);
                ReplicationNode any = _nodes[0].Node!;
                int partition = any.Layout.PartitionOfKey(keyBytes);
                string? first = null;
                string? firstVersion = null;
                foreach (string replica in any.Map.Replicas(partition))
                {
                    SimNode node = _nodes.Find(n => n.Id == replica)!;
                    string? value = node.Store.Export(keyBytes) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
                    string version = node.Versions!.VersionOf(partition, keyBytes).ToString();
                    if (firstVersion is null)
                    {
                        first = value;
                        firstVersion = version;
                        CheckAllowed(client, key, value, $"final value on {replica}");
                    }
                    else if (version != firstVersion || value != first)
                    {
                        Invariant.Fail($"seed {Seed}: replicas of {key} diverge after healing: {value}@{version} on {replica} vs {first}@{firstVersion}\n{Trace}");
                    }
                }
            }
        }
    }

    private long PhysicalTime(SimNode node) => _now + node.SkewMilliseconds + 1_700_000_000_000;

    private bool Reachable(string from, string to)
    {
        if (_isolated < 0)
        {
            return true;
        }
        string isolated = _nodes[_isolated].Id;
        return (from == isolated) == (to == isolated);
    }

    private sealed class SimNode(string id, SimulatedStore store, int skewMilliseconds)
    {
        public string Id { get; } = id;
        public SimulatedStore Store { get; } = store;
        public int SkewMilliseconds { get; } = skewMilliseconds;
        public VersionTable? Versions { get; set; }
        public ReplicationNode? Node { get; set; }
        public bool Up { get; set; }
        public long Incarnation { get; set; }
    }

    private sealed record PendingRequest(long RequestId, SimNode Coordinator, string Key, string? Value);

    private sealed class ClientState(int id, List<string> keys)
    {
        public int Id { get; } = id;
        public List<string> Keys { get; } = keys;
        public PendingRequest? Pending { get; set; }
        public long NextAt { get; set; }
        public int Sequence { get; set; }
        public Dictionary<string, string> LastAcknowledged { get; } = [];
        public Dictionary<string, List<string>> Attempted { get; } = [];
    }
}
