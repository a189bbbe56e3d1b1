using Cairn.Primitives;

namespace Cairn.Consensus.Tests.Harness;

/// <summary>
/// A tiny in-memory cluster for paper-rule tests: zero-latency delivery in FIFO order, explicit ticks, and filters to drop or hold
/// messages. Hosts follow the Ready contract exactly (persist, send, apply, advance); persisted state is kept per node so a node
/// can be restarted from it.
/// </summary>
internal sealed class TestCluster
{
    private readonly Dictionary<ulong, RaftNode> _nodes = [];
    private readonly Dictionary<ulong, List<Entry>> _storedEntries = [];
    private readonly Dictionary<ulong, HardState> _storedHardState = [];
    private readonly Dictionary<ulong, Snapshot> _storedSnapshot = [];
    private readonly Func<ulong, RaftOptions> _optionsFor;

    public TestCluster(int voters, Func<ulong, RaftOptions>? optionsFor = null, int extraNodes = 0)
    {
        _optionsFor = optionsFor ?? (id => DefaultOptions(id));
        var ids = Enumerable.Range(1, voters).Select(i => (ulong)i).ToArray();
        foreach (ulong id in ids)
        {
            Add(id, PersistedState.Bootstrap(ids));
        }
        for (int i = 0; i < extraNodes; i++)
        {
            Add((ulong)(voters + i + 1), PersistedState.Joining);
        }
    }

    public static RaftOptions DefaultOptions(ulong id, bool preVote = false, bool checkQuorum = false, ReadMode readMode = ReadMode.ReadIndex) =>
        new()
        {
            NodeId = id,
            Random = new SeededRandom(id * 7919),
            ElectionTimeoutTicks = 10,
            HeartbeatIntervalTicks = 1,
            PreVote = preVote,
            CheckQuorum = checkQuorum,
            ReadMode = readMode,
            MaxInflightMessages = 4,
            MaxEntriesPerMessage = 8,
        };

    /// <summary>Messages sent and not yet delivered (FIFO).</summary>
    public List<Message> InFlight { get; } = [];

    /// <summary>Every message ever sent, for assertions.</summary>
    public List<Message> Sent { get; } = [];

    public Dictionary<ulong, List<Entry>> Applied { get; } = [];

    public Dictionary<ulong, List<ReadState>> ReadStates { get; } = [];

    public Dictionary<ulong, Snapshot> InstalledSnapshots { get; } = [];

    /// <summary>Returns false to drop a message instead of delivering it.</summary>
    public Func<Message, bool> Deliverable { get; set; } = _ => true;

    public HashSet<ulong> Isolated { get; } = [];

    public RaftNode this[ulong id] => _nodes[id];

    public IEnumerable<RaftNode> Nodes => _nodes.Values;

    public void Add(ulong id, PersistedState state)
    {
        _storedEntries[id] = [.. state.Entries];
        _storedHardState[id] = state.HardState;
        _storedSnapshot[id] = state.Snapshot;
        Applied[id] = [];
        ReadStates[id] = [];
        _nodes[id] = new RaftNode(_optionsFor(id), state);
    }

    public void Restart(ulong id)
    {
        InFlight.RemoveAll(m => m.To == id || m.From == id);
        _nodes[id] = new RaftNode(_optionsFor(id), new PersistedState(_storedHardState[id], _storedSnapshot[id], _storedEntries[id].ToArray()));
        Applied[id] = [];
    }

    public IReadOnlyList<Entry> StoredEntries(ulong id) => _storedEntries[id];

    public HardState StoredHardState(ulong id) => _storedHardState[id];

    /// <summary>Processes every node's Ready (without delivering anything).</summary>
    public void ProcessReadies()
    {
        foreach (var (id, node) in _nodes)
        {
            while (node.HasReady())
            {
                var ready = node.GetReady();
                if (ready.Snapshot is not null)
                {
                    _storedSnapshot[id] = ready.Snapshot;
                    _storedEntries[id].Clear();
                    InstalledSnapshots[id] = ready.Snapshot;
                }
                if (ready.Entries.Count > 0)
                {
                    _storedEntries[id].RemoveAll(e => e.Index >= ready.Entries[0].Index);
                    _storedEntries[id].AddRange(ready.Entries);
                }
                if (ready.HardState is { } hardState)
                {
                    _storedHardState[id] = hardState;
                }
                foreach (var message in ready.Messages)
                {
                    Sent.Add(message);
                    InFlight.Add(message);
                }
                Applied[id].AddRange(ready.CommittedEntries);
                ReadStates[id].AddRange(ready.ReadStates);
                node.Advance(ready);
            }
        }
    }

    /// <summary>Delivers messages (and the ones they cause) until none are left. Bounded, to catch livelock.</summary>
    public void Stabilize()
    {
        ProcessReadies();
        for (int round = 0; InFlight.Count > 0; round++)
        {
            Invariant.Require(round < 100_000, "cluster keeps talking");
            var message = InFlight[0];
            InFlight.RemoveAt(0);
            if (Isolated.Contains(message.From) || Isolated.Contains(message.To) || !Deliverable(message) || !_nodes.ContainsKey(message.To))
            {
                continue;
            }
            _nodes[message.To].Step(message);
            ProcessReadies();
        }
    }

    public void Tick(ulong id, int ticks = 1)
    {
        for (int i = 0; i < ticks; i++)
        {
            _nodes[id].Tick();
        }
        ProcessReadies();
    }

    public void TickAll(int ticks = 1)
    {
        for (int i = 0; i < ticks; i++)
        {
            foreach (var node in _nodes.Values)
            {
                node.Tick();
            }
            Stabilize();
        }
    }

    /// <summary>Makes <paramref name="id"/> campaign and delivers everything; returns it for chaining.</summary>
    public RaftNode Elect(ulong id)
    {
        _nodes[id].Campaign();
        Stabilize();
        return _nodes[id];
    }

    public ProposeResult Propose(ulong id, string data)
    {
        var result = _nodes[id].Propose(System.Text.Encoding.UTF8.GetBytes(data));
        Stabilize();
        return result;
    }

    public static Message Msg(MessageType type, ulong from, ulong to, ulong term) => new() { Type = type, From = from, To = to, Term = term };
}
