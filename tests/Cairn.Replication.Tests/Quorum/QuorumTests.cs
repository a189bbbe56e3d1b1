using Cairn.Primitives;
using Cairn.Replication.Quorum;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.Quorum;

public sealed class QuorumTests
{
    private static ValueVersion V(long ms, string node, long counter) =>
        new(HybridTimestamp.Create(ms, 0), VectorClock.FromEntries([(node, counter)]));

    [Fact]
    public void WriteIsReachedAfterWDistinctAcknowledgements()
    {
        var quorum = new WriteQuorum(["a", "b", "c"], 2);
        Assert.Equal(QuorumOutcome.Pending, quorum.Acknowledge("a"));
        Assert.Equal(QuorumOutcome.Pending, quorum.Acknowledge("a"));
        Assert.Equal(QuorumOutcome.Pending, quorum.Acknowledge("x"));
        Assert.Equal(QuorumOutcome.Reached, quorum.Acknowledge("c"));
    }

    [Fact]
    public void WriteFailsOnceTooFewReplicasRemain()
    {
        var quorum = new WriteQuorum(["a", "b", "c"], 2);
        quorum.Acknowledge("a");
        Assert.Equal(QuorumOutcome.Pending, quorum.Fail("b"));
        Assert.Equal(QuorumOutcome.Failed, quorum.Fail("c"));
    }

    [Fact]
    public void ReadReturnsTheNewestReplyAndNamesStaleReplicasForRepair()
    {
        var quorum = new ReadQuorum(["a", "b", "c"], 3);
        quorum.Respond("a", [V(10, "a", 1)], "old"u8.ToArray());
        quorum.Respond("b", [V(20, "a", 2)], "new"u8.ToArray());
        Assert.Equal(QuorumOutcome.Pending, quorum.Outcome);
        Assert.Equal(QuorumOutcome.Reached, quorum.Respond("c", [ValueVersion.None], "nil"u8.ToArray()));
        Assert.Equal("new"u8.ToArray(), quorum.NewestReply(out string node));
        Assert.Equal("b", node);
        var plan = Assert.Single(quorum.RepairPlan());
        Assert.Equal("b", plan.Source);
        Assert.Equal(["a", "c"], plan.Stale.OrderBy(n => n));
    }

    [Fact]
    public void AVersionsOnlyResponseCountsAndRepairsButIsNeverTheAnswer()
    {
        var quorum = new ReadQuorum(["a", "b", "c"], 3);
        quorum.Respond("a", [V(10, "a", 1)], "mine"u8.ToArray());
        quorum.Respond("b", [V(10, "a", 1)], [], versionsOnly: true);
        Assert.Equal(QuorumOutcome.Reached, quorum.Respond("c", [V(5, "a", 1)], [], versionsOnly: true));
        Assert.Equal("mine"u8.ToArray(), quorum.NewestReply(out string node));
        Assert.Equal("a", node);
        var plan = Assert.Single(quorum.RepairPlan());
        Assert.Equal("a", plan.Source);
        Assert.Equal(["c"], plan.Stale);
    }

    [Fact]
    public void AgreeingReplicasNeedNoRepair()
    {
        var quorum = new ReadQuorum(["a", "b"], 2);
        quorum.Respond("a", [V(10, "a", 1)], "v"u8.ToArray());
        quorum.Respond("b", [V(10, "a", 1)], "v"u8.ToArray());
        Assert.Empty(quorum.RepairPlan());
    }
}
