using Cairn.Replication.Placement;

namespace Cairn.Replication.Tests.Placement;

public sealed class PartitionMapTests
{
    private static List<NodePlacement> Nodes(int count, int zones = 0) =>
        Enumerable.Range(0, count).Select(i => new NodePlacement($"node-{i:D2}", zones == 0 ? "" : $"zone-{i % zones}")).ToList();

    [Fact]
    public void EveryPreferenceListHoldsNDistinctNodes()
    {
        var map = new PartitionMap(new PartitionLayout(64), Nodes(5), 3);
        for (int p = 0; p < 64; p++)
        {
            Assert.Equal(3, map.Replicas(p).Distinct().Count());
        }
    }

    [Fact]
    public void FewerNodesThanReplicasGivesEveryNode()
    {
        var map = new PartitionMap(new PartitionLayout(8), Nodes(2), 3);
        Assert.All(Enumerable.Range(0, 8), p => Assert.Equal(2, map.Replicas(p).Count));
    }

    [Fact]
    public void ReplicasSpreadOverDistinctZonesWhenConfigured()
    {
        var map = new PartitionMap(new PartitionLayout(64), Nodes(9, zones: 3), 3);
        var zoneOf = Nodes(9, 3).ToDictionary(n => n.NodeId, n => n.Zone);
        for (int p = 0; p < 64; p++)
        {
            Assert.Equal(3, map.Replicas(p).Select(n => zoneOf[n]).Distinct().Count());
        }
    }

    [Fact]
    public void ReplicasLoadIsBalanced()
    {
        var map = new PartitionMap(new PartitionLayout(256), Nodes(8), 3);
        var load = Enumerable.Range(0, 256).SelectMany(p => map.Replicas(p)).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        double fair = 256 * 3 / 8.0;
        Assert.All(load.Values, count => Assert.InRange(count, fair * 0.6, fair * 1.4));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    public void AddingANodeMovesOnlyItsFairShareOfReplicas(int nodes)
    {
        var layout = new PartitionLayout(1024);
        var before = new PartitionMap(layout, Nodes(nodes), 3);
        var after = new PartitionMap(layout, Nodes(nodes + 1), 3);
        int moved = after.CountPlacementsNotIn(before);
        // Every placement that moved went to the new node: nothing is shuffled between old nodes.
        int gainedByNew = Enumerable.Range(0, 1024).Count(p => after.IsReplica(p, $"node-{nodes:D2}"));
        Assert.Equal(gainedByNew, moved);
        double fair = 1024 * 3.0 / (nodes + 1);
        Assert.InRange(moved, fair * 0.8, fair * 1.2);
        // Each partition changes at most one replica.
        Assert.All(Enumerable.Range(0, 1024), p => Assert.True(after.Replicas(p).Except(before.Replicas(p)).Count() <= 1));
    }

    [Fact]
    public void RemovingANodeMovesOnlyThePlacementsItHeld()
    {
        var layout = new PartitionLayout(1024);
        var before = new PartitionMap(layout, Nodes(6), 3);
        var after = new PartitionMap(layout, Nodes(6).Where(n => n.NodeId != "node-02").ToList(), 3);
        int held = Enumerable.Range(0, 1024).Count(p => before.IsReplica(p, "node-02"));
        Assert.Equal(held, after.CountPlacementsNotIn(before));
    }

    [Fact]
    public void TheMapIsAFunctionOfTheMemberSetNotItsOrder()
    {
        var layout = new PartitionLayout(64);
        var a = new PartitionMap(layout, Nodes(5), 3);
        var shuffled = Nodes(5);
        shuffled.Reverse();
        var b = new PartitionMap(layout, shuffled, 3);
        Assert.All(Enumerable.Range(0, 64), p => Assert.Equal(a.Replicas(p), b.Replicas(p)));
    }
}
