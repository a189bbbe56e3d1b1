using Cairn.Consensus.Tests.Harness;

namespace Cairn.Consensus.Tests.Paper;

/// <summary>Dissertation 6.4: linearizable reads without writing to the log (ReadIndex, and leases bounded by clock drift).</summary>
public sealed class ReadTests
{
    [Fact]
    public void ReadIndexIsReleasedOnlyAfterAMajorityConfirmsLeadership()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Deliverable = _ => false;
        Assert.Equal(ReadIndexStatus.Accepted, cluster[1].ReadIndex(7));
        cluster.Stabilize();
        Assert.Empty(cluster.ReadStates[1]);
        cluster.Deliverable = _ => true;
        cluster.TickAll(1);
        var state = Assert.Single(cluster.ReadStates[1]);
        Assert.Equal((7UL, cluster[1].Committed), (state.RequestId, state.Index));
    }

    [Fact]
    public void ReadIndexWaitsUntilLeaderCommitsAnEntryOfItsTerm()
    {
        var cluster = new TestCluster(3);
        cluster[1].Campaign();
        cluster.ProcessReadies();
        // Deliver votes and their answers, but hold every append: the no-op of the new term cannot commit.
        cluster.Deliverable = m => m.Type is not MessageType.Append;
        cluster.Stabilize();
        Assert.Equal(NodeRole.Leader, cluster[1].Role);
        Assert.Equal(ReadIndexStatus.Accepted, cluster[1].ReadIndex(9));
        cluster.TickAll(2);
        Assert.Empty(cluster.ReadStates[1]);
        cluster.Deliverable = _ => true;
        cluster.TickAll(2);
        var state = Assert.Single(cluster.ReadStates[1]);
        Assert.True(cluster[1].Log.TermAt(state.Index) == cluster[1].Term);
    }

    [Fact]
    public void FollowerRefusesReadIndex()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        Assert.Equal(ReadIndexStatus.NotLeader, cluster[2].ReadIndex(1));
    }

    [Fact]
    public void ReadIndexRequestsAreLostWhenLeadershipIs()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Deliverable = _ => false;
        cluster[1].ReadIndex(5);
        cluster.Stabilize();
        cluster[1].Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = 99 });
        cluster.Deliverable = _ => true;
        cluster.TickAll(1);
        Assert.Empty(cluster.ReadStates[1]);
    }

    private static TestCluster LeaseCluster() =>
        new(3, id => TestCluster.DefaultOptions(id, preVote: true, checkQuorum: true, readMode: ReadMode.LeaderLease));

    [Fact]
    public void LeaseReadIsServedWithoutHeartbeatRoundWhileLeaseHolds()
    {
        var cluster = LeaseCluster();
        cluster.TickAll(10);
        cluster.Elect(1);
        cluster.TickAll(2); // heartbeats acknowledged: the lease starts
        cluster.Deliverable = _ => false;
        Assert.Equal(ReadIndexStatus.Accepted, cluster[1].ReadIndex(3));
        cluster.Stabilize();
        Assert.Single(cluster.ReadStates[1]);
    }

    [Fact]
    public void LeaseExpiresAfterElectionTimeoutMinusDriftBoundWithoutAcknowledgements()
    {
        var cluster = LeaseCluster();
        cluster.TickAll(10);
        cluster.Elect(1);
        cluster.TickAll(2);
        cluster.Isolated.UnionWith([2, 3]);
        // Lease = 10 - 3 = 7 ticks from the last acknowledged send.
        cluster.Tick(1, 7);
        cluster[1].ReadIndex(4);
        cluster.Stabilize();
        Assert.Empty(cluster.ReadStates[1]);
    }

    [Fact]
    public void DeposedLeaderStopsServingLeaseReadsWhenItsLeaseRunsOutBeforeItNoticesTheNewLeader()
    {
        var cluster = LeaseCluster();
        cluster.TickAll(10);
        cluster.Elect(1);
        cluster.TickAll(2);
        cluster.Isolated.Add(1);
        // The old leader's clock runs 8 ticks (past its 7-tick lease, short of CheckQuorum); the others elect a new leader.
        cluster.Tick(1, 8);
        for (int i = 0; i < 40 && !cluster.Nodes.Any(n => n.Id != 1 && n.Role == NodeRole.Leader); i++)
        {
            cluster[2].Tick();
            cluster[3].Tick();
            cluster.Stabilize();
        }
        var newLeader = cluster.Nodes.Single(n => n.Id != 1 && n.Role == NodeRole.Leader);
        cluster.Propose(newLeader.Id, "newer");
        Assert.Equal(NodeRole.Leader, cluster[1].Role); // it has not noticed yet (CheckQuorum has not fired)
        cluster[1].ReadIndex(11);
        cluster.Stabilize();
        Assert.Empty(cluster.ReadStates[1]);
    }

    [Fact]
    public void LeaseIsVoidOnceLeadershipTransferStarts()
    {
        var cluster = LeaseCluster();
        cluster.TickAll(10);
        cluster.Elect(1);
        cluster.TickAll(2);
        cluster.Deliverable = m => m.Type != MessageType.TimeoutNow;
        Assert.Equal(TransferStatus.Started, cluster[1].TransferLeadership(2));
        cluster.Stabilize();
        cluster.Deliverable = _ => false;
        cluster[1].ReadIndex(8);
        cluster.Stabilize();
        Assert.Empty(cluster.ReadStates[1]);
    }

    [Fact]
    public void SingleVoterAnswersReadsAtOnce()
    {
        var cluster = new TestCluster(1);
        cluster.Elect(1);
        cluster[1].ReadIndex(1);
        cluster.Stabilize();
        Assert.Single(cluster.ReadStates[1]);
    }
}
