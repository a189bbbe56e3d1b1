using Cairn.Consensus.Tests.Harness;

namespace Cairn.Consensus.Tests.Paper;

/// <summary>Dissertation 3.10: leadership transfer.</summary>
public sealed class TransferTests
{
    [Fact]
    public void TransferMakesUpToDateTargetLeaderAtOnce()
    {
        var cluster = new TestCluster(3, id => TestCluster.DefaultOptions(id, preVote: true, checkQuorum: true));
        cluster.TickAll(10);
        cluster.Elect(1);
        Assert.Equal(TransferStatus.Started, cluster[1].TransferLeadership(3));
        cluster.Stabilize();
        // The target campaigns past the followers' lease promise because the leader asked it to.
        Assert.Equal(NodeRole.Leader, cluster[3].Role);
        Assert.Equal(NodeRole.Follower, cluster[1].Role);
    }

    [Fact]
    public void TransferToLaggingTargetFirstCatchesItUp()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Isolated.Add(3);
        for (int i = 0; i < 10; i++)
        {
            cluster.Propose(1, "p" + i);
        }
        cluster.Isolated.Clear();
        Assert.Equal(TransferStatus.Started, cluster[1].TransferLeadership(3));
        cluster.Stabilize();
        cluster.TickAll(2);
        Assert.Equal(NodeRole.Leader, cluster[3].Role);
    }

    [Fact]
    public void ProposalsAreRefusedDuringTransferAndTransferAbortsAfterElectionTimeout()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Isolated.Add(3);
        cluster[1].TransferLeadership(3);
        Assert.Equal(ProposeStatus.LeadershipTransferInProgress, cluster[1].Propose([1]).Status);
        cluster.Tick(1, 10);
        Assert.Equal(NodeRole.Leader, cluster[1].Role);
        Assert.Equal(ProposeStatus.Accepted, cluster[1].Propose([1]).Status);
    }

    [Fact]
    public void TransferToNonVoterIsRefused()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster.Elect(1);
        Assert.Equal(TransferStatus.NotAVoter, cluster[1].TransferLeadership(4));
        Assert.Equal(TransferStatus.NotLeader, cluster[2].TransferLeadership(3));
    }
}
