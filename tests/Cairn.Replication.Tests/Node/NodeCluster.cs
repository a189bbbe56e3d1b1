using Cairn.Primitives;
using Cairn.Replication.Membership;
using Cairn.Replication.Node;
using Cairn.Replication.Protocol;

namespace Cairn.Replication.Tests.Node;

/// <summary>
/// Three replication nodes "a", "b", "c" wired by hand: messages are delivered only when a test pumps them, so a test can
/// look at, hold back or drop any of them.
/// </summary>
internal static class NodeCluster
{
    public static readonly string[] Ids = ["a", "b", "c"];

    /// <summary>
    /// Creates the three nodes with the options <paramref name="options"/> gives for (id, seed), introduces each to the
    /// others and runs three ticks (from 1000 ms) so every node sees the others alive; completions so far are dropped.
    /// </summary>
    public static Dictionary<string, (ReplicationNode Node, SetStore Store)> Start(Func<string, ulong, ReplicationOptions> options)
    {
        var nodes = new Dictionary<string, (ReplicationNode, SetStore)>(StringComparer.Ordinal);
        ulong seed = 11;
        foreach (string id in Ids)
        {
            var store = new SetStore();
            nodes[id] = (new ReplicationNode(options(id, seed++), store), store);
        }
        foreach (string id in Ids)
        {
            foreach (string other in Ids)
            {
                if (other != id)
                {
                    nodes[id].Item1.Introduce(new MemberRecord(other, other, "", 1, 1, false));
                }
            }
        }
        for (int tick = 0; tick < 3; tick++)
        {
            foreach (string id in Ids)
            {
                nodes[id].Item1.Tick(1000 + tick);
            }
            Pump(nodes, [], 1000 + tick);
        }
        foreach (string id in Ids)
        {
            nodes[id].Item1.TakeCompletions();
        }
        return nodes;
    }

    /// <summary>Delivers every message (gossip included) until none is left; records the others in <paramref name="sent"/>.</summary>
    public static void Pump(Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, List<PeerMessage> sent, long now)
    {
        for (int round = 0; round < 100; round++)
        {
            var messages = new List<PeerMessage>();
            foreach (string id in Ids)
            {
                messages.AddRange(nodes[id].Node.TakeMessages());
            }
            if (messages.Count == 0)
            {
                return;
            }
            foreach (PeerMessage message in messages)
            {
                if (message.Type != PeerMessageType.Gossip)
                {
                    sent.Add(message);
                }
                nodes[message.To].Node.Step(message, now);
            }
        }
        Assert.Fail("messages kept flowing");
    }
}

/// <summary>
/// A write's command is the value it sets, or DEL to delete the key; its reply is OK. Reads return the value. Tests with
/// other commands override <see cref="Execute"/>; installing and exporting states stay as here.
/// </summary>
internal class SetStore : IReplicaStore
{
    public Dictionary<byte[], byte[]> Data { get; } = new(ByteArrayComparer.Instance);

    public int Reads { get; set; }

    public virtual ExecuteResult Execute(byte[] command, IReadOnlyList<byte[]> keys, bool write)
    {
        if (!write)
        {
            Reads++;
            return new ExecuteResult(Data.TryGetValue(keys[0], out byte[]? value) ? value : [], false);
        }
        if (command.AsSpan().SequenceEqual("DEL"u8))
        {
            Data.Remove(keys[0]);
        }
        else
        {
            Data[keys[0]] = command;
        }
        return new ExecuteResult("OK"u8.ToArray(), true);
    }

    public byte[]? Export(byte[] key) => Data.TryGetValue(key, out byte[]? value) ? value : null;

    public void Install(byte[] key, byte[]? payload)
    {
        if (payload is null)
        {
            Data.Remove(key);
        }
        else
        {
            Data[key] = payload;
        }
    }
}
