using Cairn.Consensus.KeyValue;
using Cairn.Primitives;

namespace Cairn.Consensus.Bench;

/// <summary>Drives three <see cref="RaftNode"/>s through the Ready contract with instant delivery, proposing in batches.</summary>
internal sealed class GroupBenchmark
{
    private readonly int _batch;
    private readonly byte[] _value;
    private readonly RaftNode[] _nodes;
    private readonly KeyValueStateMachine[] _machines;
    private const ulong CompactEveryEntries = 10_000;
    private readonly Queue<Message> _network = new();
    private long _messages;
    private long _readies;

    public GroupBenchmark(int batch, int valueBytes)
    {
        _batch = batch;
        _value = new byte[valueBytes];
        ulong[] voters = [1, 2, 3];
        _nodes = voters.Select(id => new RaftNode(
            new RaftOptions
            {
                NodeId = id,
                Random = new SeededRandom(id),
                CheckQuorum = false, // no startup lease guard, so the first Campaign() wins at once; no reads here
                MaxInflightMessages = 256,
                MaxEntriesPerMessage = 1024,
                MaxUncommittedEntries = 1 << 20,
            },
            PersistedState.Bootstrap(voters))).ToArray();
        _machines = voters.Select(_ => new KeyValueStateMachine()).ToArray();
    }

    public (long Committed, long Messages, long Readies) Run(int entries)
    {
        var leader = _nodes[0];
        leader.Campaign();
        Pump();
        if (leader.Role != NodeRole.Leader)
        {
            throw new InvalidOperationException("node 1 did not win the uncontested election");
        }
        ulong start = leader.Committed;
        _messages = 0;
        _readies = 0;
        int proposed = 0;
        var keys = Enumerable.Range(0, 1024).Select(i => System.Text.Encoding.UTF8.GetBytes("key" + i)).ToArray();
        while (proposed < entries)
        {
            int count = Math.Min(_batch, entries - proposed);
            for (int i = 0; i < count; i++)
            {
                var result = leader.Propose(KeyValueCommand.Put(keys[(proposed + i) & 1023], _value).Encode());
                if (result.Status != ProposeStatus.Accepted)
                {
                    throw new InvalidOperationException($"proposal refused: {result.Status}");
                }
            }
            proposed += count;
            Pump();
        }
        return ((long)(leader.Committed - start), _messages, _readies);
    }

    private void Pump()
    {
        bool progress = true;
        while (progress)
        {
            progress = false;
            for (int n = 0; n < _nodes.Length; n++)
            {
                var node = _nodes[n];
                while (node.HasReady())
                {
                    progress = true;
                    _readies++;
                    var ready = node.GetReady();
                    // Persisting is free here: this baseline measures the consensus core, not the disk.
                    foreach (var message in ready.Messages)
                    {
                        _network.Enqueue(message);
                    }
                    foreach (var entry in ready.CommittedEntries)
                    {
                        _machines[n].Apply(entry);
                    }
                    node.Advance(ready);
                    if (node.Applied >= node.FirstIndex + CompactEveryEntries)
                    {
                        // As a real host would: bound the in-memory log. (The snapshot bytes are not the point here.)
                        node.Compact(node.Applied, []);
                    }
                }
            }
            while (_network.TryDequeue(out var message))
            {
                progress = true;
                _messages++;
                _nodes[message.To - 1].Step(message);
            }
        }
    }
}
