using System.Text;
using Cairn.Primitives;
using Cairn.Replication.Membership;
using Cairn.Replication.Node;
using Cairn.Replication.Protocol;
using Cairn.Replication.Tests.Simulation;
using Xunit.Abstractions;

namespace Cairn.Replication.Tests.AntiEntropy;

/// <summary>The anti-entropy protocol between two real nodes: what crosses the wire when replicas agree, and when one key differs.</summary>
public sealed class AntiEntropyCostTests(ITestOutputHelper output)
{
    private static readonly string IdA = new('a', 40);
    private static readonly string IdB = new('b', 40);

    private static (ReplicationNode A, ReplicationNode B, SimulatedStore StoreA, SimulatedStore StoreB) TwoNodes()
    {
        var storeA = new SimulatedStore();
        var storeB = new SimulatedStore();
        ReplicationNode Make(string id, SimulatedStore store) => new(new ReplicationOptions
        {
            NodeId = id,
            Random = new SeededRandom(1),
            PartitionCount = 4,
            ReplicationFactor = 2,
            AntiEntropyIntervalTicks = 0,
        }, store);
        ReplicationNode a = Make(IdA, storeA);
        ReplicationNode b = Make(IdB, storeB);
        a.Introduce(new MemberRecord(IdB, "", "", 1, 1, false));
        b.Introduce(new MemberRecord(IdA, "", "", 1, 1, false));
        return (a, b, storeA, storeB);
    }

    /// <summary>Delivers messages until none are left; returns the encoded bytes of each type sent.</summary>
    private static Dictionary<PeerMessageType, (int Count, long Bytes)> Pump(ReplicationNode a, ReplicationNode b)
    {
        var sent = new Dictionary<PeerMessageType, (int, long)>();
        for (int round = 0; round < 100; round++)
        {
            var messages = a.TakeMessages().Concat(b.TakeMessages()).Where(m => m.Type != PeerMessageType.Gossip).ToList();
            a.TakeCompletions();
            b.TakeCompletions();
            if (messages.Count == 0)
            {
                return sent;
            }
            foreach (PeerMessage message in messages)
            {
                (int count, long bytes) = sent.GetValueOrDefault(message.Type);
                sent[message.Type] = (count + 1, bytes + PeerMessageCodec.Encode(message).Length);
                (message.To == a.Id ? a : b).Step(message, 1_700_000_000_000);
            }
        }
        throw new InvalidOperationException("messages kept flowing");
    }

    private static void Write(ReplicationNode a, ReplicationNode b, int i, string value, long requestId)
    {
        byte[] key = Encoding.UTF8.GetBytes("key:" + i);
        a.Submit(requestId, new Operation(a.Layout.PartitionOfKey(key), [key], SimulatedStore.Set(value), true, 2, 2), 1_700_000_000_000 + requestId);
        Pump(a, b);
    }

    [Fact]
    public void AgreeingReplicasExchangeOneRootHashPerPartitionAndDifferingOnesOnlyTheDifferingKey()
    {
        (ReplicationNode a, ReplicationNode b, SimulatedStore storeA, SimulatedStore storeB) = TwoNodes();
        for (int i = 0; i < 200; i++)
        {
            Write(a, b, i, "v" + i, i + 1);
        }
        Assert.Equal(200, storeB.Data.Count);

        int exchanges = a.RequestRepair();
        Dictionary<PeerMessageType, (int Count, long Bytes)> agreeing = Pump(a, b);
        Assert.Equal(4, exchanges);
        Assert.Equal([PeerMessageType.MerkleRoot], agreeing.Keys);
        long bytesPerPartition = agreeing[PeerMessageType.MerkleRoot].Bytes / exchanges;
        output.WriteLine($"agreeing: {bytesPerPartition} bytes per partition (message; +9 bytes of frame)");
        Assert.True(bytesPerPartition < 128);

        // B misses one write (as if the replicate were lost): only that key moves.
        byte[] key = "key:17"u8.ToArray();
        int partition = a.Layout.PartitionOfKey(key);
        storeA.Install(key, "changed"u8.ToArray());
        var newer = new Cairn.Replication.Versioning.ValueVersion(HybridTimestamp.Create(1_800_000_000_000, 0), a.Versions.VersionOf(partition, key).Clock.Increment(IdA));
        a.Versions.Record(partition, key, newer, deleted: false);
        a.RequestRepair();
        Dictionary<PeerMessageType, (int Count, long Bytes)> differing = Pump(a, b);
        Assert.Equal("changed"u8.ToArray(), storeB.Data[key]);
        Assert.Equal(1, differing[PeerMessageType.MerkleLeaves].Count);
        Assert.Equal(1, differing[PeerMessageType.MerkleKeys].Count);
        Assert.Equal(1, differing[PeerMessageType.Push].Count);
        Assert.Equal(1, differing[PeerMessageType.Replicate].Count);
        Assert.Equal(a.Versions.Tree(partition).RootHash, b.Versions.Tree(partition).RootHash);
        output.WriteLine("one differing key: " + string.Join(", ", differing.Select(kv => $"{kv.Key} {kv.Value.Count}x {kv.Value.Bytes} B")));
    }
}
