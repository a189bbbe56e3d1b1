using Cairn.Consensus.Tests.Harness;

namespace Cairn.Consensus.Tests.Paper;

/// <summary>Dissertation 9.6 (PreVote) and 6.2 (CheckQuorum): a partitioned node does not disrupt the cluster when it returns.</summary>
public sealed class DisruptionTests
{
    private static TestCluster Cluster(bool preVote, bool checkQuorum) =>
        new(3, id => TestCluster.DefaultOptions(id, preVote: preVote, checkQuorum: checkQuorum));

    private static void LetLeasesLapse(TestCluster cluster) => cluster.TickAll(10);

    [Fact]
    public void WithoutPreVoteReturningPartitionedNodeDeposesTheLeader()
    {
        var cluster = Cluster(preVote: false, checkQuorum: false);
        cluster.Elect(1);
        cluster.Isolated.Add(3);
        cluster.Tick(3, 100);
        Assert.True(cluster[3].Term > cluster[1].Term);
        cluster.Isolated.Clear();
        cluster.TickAll(1);
        Assert.NotEqual(NodeRole.Leader, cluster[1].Role);
    }

    [Fact]
    public void WithPreVotePartitionedNodeDoesNotRaiseItsTermOrDisruptTheLeader()
    {
        var cluster = Cluster(preVote: true, checkQuorum: false);
        LetLeasesLapse(cluster);
        cluster.Elect(1);
        ulong term = cluster[1].Term;
        cluster.Isolated.Add(3);
        cluster.Tick(3, 100);
        Assert.Equal(NodeRole.PreCandidate, cluster[3].Role);
        Assert.Equal(term, cluster[3].Term);
        cluster.Isolated.Clear();
        cluster.TickAll(3);
        Assert.Equal(NodeRole.Leader, cluster[1].Role);
        Assert.Equal(term, cluster[1].Term);
        Assert.Equal(NodeRole.Follower, cluster[3].Role);
    }

    [Fact]
    public void PreVoteWinnerProceedsToRealElection()
    {
        var cluster = Cluster(preVote: true, checkQuorum: false);
        cluster.Elect(1);
        Assert.Equal(NodeRole.Leader, cluster[1].Role);
        Assert.Equal(2UL, cluster[1].Term);
    }

    [Fact]
    public void CheckQuorumLeaderStepsDownWhenItLosesContactWithMajority()
    {
        var cluster = Cluster(preVote: true, checkQuorum: true);
        LetLeasesLapse(cluster);
        cluster.Elect(1);
        Assert.Equal(NodeRole.Leader, cluster[1].Role);
        cluster.Isolated.Add(1);
        cluster.Tick(1, 21);
        Assert.Equal(NodeRole.Follower, cluster[1].Role);
    }

    [Fact]
    public void CheckQuorumFollowerInContactWithLeaderIgnoresVoteRequests()
    {
        var cluster = Cluster(preVote: false, checkQuorum: true);
        LetLeasesLapse(cluster);
        cluster.Elect(1);
        ulong term = cluster[1].Term;
        // Node 3 campaigns (as a removed or flaky node would); nodes that heard from the leader recently ignore it.
        cluster.Isolated.Add(1);
        cluster[3].Campaign();
        cluster.Stabilize();
        Assert.Equal(term, cluster[2].Term);
        Assert.NotEqual(NodeRole.Leader, cluster[3].Role);
    }

    [Fact]
    public void StaleLeaderLearnsNewTermFromFollowersAndStepsDown()
    {
        var cluster = Cluster(preVote: true, checkQuorum: true);
        LetLeasesLapse(cluster);
        cluster.Elect(1);
        cluster.Isolated.Add(1);
        cluster.TickAll(25);
        var newLeader = cluster.Nodes.Single(n => n.Id != 1 && n.Role == NodeRole.Leader);
        cluster.Isolated.Clear();
        cluster.TickAll(2);
        Assert.Equal(NodeRole.Follower, cluster[1].Role);
        Assert.Equal(newLeader.Id, cluster[1].Leader);
    }
}
