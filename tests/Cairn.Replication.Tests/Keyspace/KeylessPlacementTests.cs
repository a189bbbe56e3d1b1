using Cairn.Replication.Keyspace;
using Cairn.Replication.Membership;
using Cairn.Replication.Placement;

namespace Cairn.Replication.Tests.Keyspace;

public sealed class KeylessPlacementTests
{
    private static PartitionMap Map(int nodes, int replicas) =>
        new(new PartitionLayout(64), [.. Enumerable.Range(1, nodes).Select(i => new NodePlacement($"n{i}", ""))], replicas);

    [Fact]
    public void EachPartitionHasOneOwnerTheFirstLiveReplicaPreferringAliveOverSuspect()
    {
        PartitionMap map = Map(4, 3);
        var states = new Dictionary<string, Liveness> { ["n1"] = Liveness.Alive, ["n2"] = Liveness.Down, ["n3"] = Liveness.Suspect, ["n4"] = Liveness.Alive };
        string?[] owners = KeyspaceOwners.Assign(map, id => states[id]);
        for (int p = 0; p < 64; p++)
        {
            IReadOnlyList<string> replicas = map.Replicas(p);
            string? expected = replicas.FirstOrDefault(r => states[r] == Liveness.Alive) ?? replicas.FirstOrDefault(r => states[r] == Liveness.Suspect);
            Assert.Equal(expected, owners[p]);
            Assert.NotEqual("n2", owners[p]);
        }
        Dictionary<string, List<int>> byNode = KeyspaceOwners.ByNode(owners);
        Assert.Equal(64, byNode.Values.Sum(l => l.Count)); // every partition exactly once
        Assert.Null(KeyspaceOwners.OwnerOf(["n2"], id => states[id]));
    }

    [Fact]
    public void TheScanCursorRoundTripsAndWalksThePartitionsInOrderToZero()
    {
        var cursor = new ClusterScanCursor(63, ClusterScanCursor.TagOf("node-1"), ClusterScanCursor.MaxLocalCursor);
        Assert.Equal(cursor, ClusterScanCursor.Decode(cursor.Encode()));
        Assert.Equal(new ClusterScanCursor(0, 0, 0), ClusterScanCursor.Decode(0));
        Assert.NotEqual((ushort)0, ClusterScanCursor.TagOf(""));

        ulong next = ClusterScanCursor.After(5, 64, "node-1", 1234);
        Assert.Equal(new ClusterScanCursor(5, ClusterScanCursor.TagOf("node-1"), 1234), ClusterScanCursor.Decode(next));
        Assert.Equal(new ClusterScanCursor(6, 0, 0), ClusterScanCursor.Decode(ClusterScanCursor.After(5, 64, "node-1", 0)));
        Assert.Equal(0UL, ClusterScanCursor.After(63, 64, "node-1", 0));
    }

    [Fact]
    public void ALocalCursorMadeOnAnotherNodeRestartsThePartition()
    {
        ClusterScanCursor cursor = ClusterScanCursor.Decode(ClusterScanCursor.After(9, 64, "node-1", 777));
        Assert.Equal(777UL, cursor.LocalCursorOn("node-1"));
        Assert.Equal(0UL, cursor.LocalCursorOn("node-2")); // the owner changed: start the partition again there
    }
}
