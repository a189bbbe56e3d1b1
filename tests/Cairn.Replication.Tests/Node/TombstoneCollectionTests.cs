using System.Text;
using Cairn.Primitives;
using Cairn.Replication.AntiEntropy;
using Cairn.Replication.Node;
using Cairn.Replication.Protocol;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.Node;

/// <summary>
/// Tombstones are forgotten once older than the grace period, on every replica by the same rule, so the version tables and
/// Merkle trees stay in agreement; a tombstone past its grace that a replica receives is applied but not kept.
/// </summary>
public sealed class TombstoneCollectionTests
{
    private const long Grace = 60_000;

    [Fact]
    public void OnlyTombstonesOlderThanTheCutoffAreCollectedAndTheTreeForgetsThem()
    {
        var table = new VersionTable(4);
        var expected = new VersionTable(4);
        byte[] live = "live"u8.ToArray(), old = "old"u8.ToArray(), recent = "recent"u8.ToArray();
        ValueVersion At(long ms) => new(HybridTimestamp.Create(ms, 0), VectorClock.FromEntries([("a", ms)]));
        table.Record(1, live, At(1000), deleted: false);
        table.Record(1, old, At(1000), deleted: true);
        table.Record(1, recent, At(5000), deleted: true);
        expected.Record(1, live, At(1000), deleted: false);
        expected.Record(1, recent, At(5000), deleted: true);

        Assert.Equal(1, table.CollectTombstones(cutoffMilliseconds: 5000, max: 100));
        Assert.True(table.VersionOf(1, old).IsNone);
        Assert.False(table.IsDeleted(1, old));
        Assert.False(table.VersionOf(1, live).IsNone);
        Assert.True(table.IsDeleted(1, recent));
        Assert.Equal(2, table.KeyCount(1));
        Assert.Equal(expected.Tree(1).RootHash, table.Tree(1).RootHash);
        Assert.Equal(0, table.CollectTombstones(cutoffMilliseconds: 5000, max: 100)); // nothing left that old
    }

    [Fact]
    public void AKeyWrittenAgainAfterItsDeleteIsKeptAndEachCallLooksAtABoundedNumberOfTombstones()
    {
        var table = new VersionTable(4);
        ValueVersion At(long ms) => new(HybridTimestamp.Create(ms, 0), VectorClock.FromEntries([("a", ms)]));
        byte[] reborn = "reborn"u8.ToArray();
        table.Record(2, reborn, At(1000), deleted: true);
        table.Record(2, reborn, At(1500), deleted: false); // written again: its old tombstone is no candidate any more
        for (int i = 0; i < 3; i++)
        {
            table.Record(3, Encoding.UTF8.GetBytes("gone" + i), At(2000 + i), deleted: true);
        }
        Assert.Equal(2, table.CollectTombstones(cutoffMilliseconds: 9000, max: 3)); // reborn's entry, then two
        Assert.Equal(1, table.CollectTombstones(cutoffMilliseconds: 9000, max: 3));
        Assert.False(table.VersionOf(2, reborn).IsNone);
        Assert.Equal(0, table.KeyCount(3));
    }

    [Fact]
    public void AKeyDeletedAndWrittenAgainManyTimesIsQueuedOnceAndItsLastTombstoneIsCollected()
    {
        var table = new VersionTable(4);
        byte[] key = "churn"u8.ToArray();
        for (int i = 0; i < 1000; i++)
        {
            long ms = 1000 + 2 * i;
            table.Record(1, key, new ValueVersion(HybridTimestamp.Create(ms, 0), VectorClock.FromEntries([("a", 2 * i + 1)])), deleted: false);
            table.Record(1, key, new ValueVersion(HybridTimestamp.Create(ms + 1, 0), VectorClock.FromEntries([("a", 2 * i + 2)])), deleted: true);
        }
        Assert.Equal(1, table.QueuedTombstones); // not one per delete
        Assert.Equal(0, table.CollectTombstones(cutoffMilliseconds: 2000, max: 10)); // the last delete (at 2999) is too young
        Assert.Equal(1, table.QueuedTombstones); // queued again, by the last tombstone's time
        Assert.Equal(1, table.CollectTombstones(cutoffMilliseconds: 3000, max: 10));
        Assert.Equal(0, table.QueuedTombstones);
        Assert.True(table.VersionOf(1, key).IsNone);
    }

    [Fact]
    public void EveryReplicaForgetsADeletesTombstoneOnceItIsOlderThanTheGraceAndTheirTreesStillAgree()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        byte[] key = "doomed"u8.ToArray();
        int partition = nodes["a"].Node.Layout.PartitionOfKey(key);
        Write(nodes, 1, partition, key, "v1", 2000);
        Write(nodes, 2, partition, key, "DEL", 2001);
        Assert.All(nodes.Values, n => Assert.True(n.Node.Versions.IsDeleted(partition, key)));
        Assert.All(nodes.Values, n => Assert.False(n.Store.Data.ContainsKey(key)));

        TickAll(nodes, 2001 + Grace - 1000); // not yet
        Assert.All(nodes.Values, n => Assert.True(n.Node.Versions.IsDeleted(partition, key)));
        Assert.All(nodes.Values, n => Assert.Equal(0, n.Node.Stats.TombstonesCollected));

        TickAll(nodes, 2001 + Grace + 1000);
        var empty = new MerkleTree(MerkleTree.DefaultDepth);
        foreach ((ReplicationNode node, SetStore _) in nodes.Values)
        {
            Assert.True(node.Versions.VersionOf(partition, key).IsNone);
            Assert.Equal(0, node.Versions.KeyCount(partition));
            Assert.Equal(1, node.Stats.TombstonesCollected);
            Assert.Equal(empty.RootHash, node.Versions.Tree(partition).RootHash);
        }

        // The key can be written again afterwards, and reads see it.
        Write(nodes, 3, partition, key, "v2", 2001 + Grace + 2000);
        Assert.All(nodes.Values, n => Assert.Equal("v2"u8.ToArray(), n.Store.Data[key]));
    }

    [Fact]
    public void AReplicaSentATombstonePastItsGraceDeletesItsOlderValueButKeepsNoTombstone()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        byte[] key = "stale"u8.ToArray();
        int partition = nodes["a"].Node.Layout.PartitionOfKey(key);
        Write(nodes, 1, partition, key, "v1", 2000);
        ReplicationNode a = nodes["a"].Node;
        ValueVersion held = a.Versions.VersionOf(partition, key);
        long now = 2000 + 2 * Grace;
        a.Tick(now);
        a.TakeMessages();
        a.Step(new PeerMessage
        {
            Type = PeerMessageType.Replicate,
            From = "b",
            To = "a",
            Keys = [key],
            Versions = [new ValueVersion(HybridTimestamp.Create(3000, 0), held.Clock.Increment("b"))],
            Payloads = [null],
        }, now);
        Assert.False(nodes["a"].Store.Data.ContainsKey(key)); // the delete is newer than the value: it wins
        Assert.True(a.Versions.VersionOf(partition, key).IsNone); // and its tombstone is not kept
        Assert.Equal(1, a.Stats.TombstonesCollected);
    }

    [Fact]
    public void AGraceOfZeroKeepsTombstonesForEver()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster(grace: 0);
        byte[] key = "kept"u8.ToArray();
        int partition = nodes["a"].Node.Layout.PartitionOfKey(key);
        Write(nodes, 1, partition, key, "v1", 2000);
        Write(nodes, 2, partition, key, "DEL", 2001);
        TickAll(nodes, 2001 + 100 * Grace);
        Assert.All(nodes.Values, n => Assert.True(n.Node.Versions.IsDeleted(partition, key)));
    }

    private static void Write(Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, long id, int partition, byte[] key,
        string command, long now)
    {
        ReplicationNode a = nodes["a"].Node;
        a.Submit(id, new Operation(partition, [key], Encoding.UTF8.GetBytes(command), true, 3, 3), now);
        NodeCluster.Pump(nodes, [], now);
        Assert.Equal(CompletionStatus.Ok, Assert.Single(a.TakeCompletions()).Status);
    }

    private static void TickAll(Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, long now)
    {
        foreach (string id in NodeCluster.Ids)
        {
            nodes[id].Node.Tick(now);
        }
        NodeCluster.Pump(nodes, [], now);
    }

    private static Dictionary<string, (ReplicationNode Node, SetStore Store)> Cluster(long grace = Grace) =>
        NodeCluster.Start((id, seed) => new ReplicationOptions
        {
            NodeId = id,
            Address = id,
            Random = new SeededRandom(seed),
            PartitionCount = 16,
            ReplicationFactor = 3,
            AntiEntropyIntervalTicks = 0,
            TombstoneGraceMilliseconds = grace,
            // Ticks here are far apart in time: keep every node alive between them.
            SuspectAfterTicks = 1000,
            DownAfterTicks = 2000,
        });
}
