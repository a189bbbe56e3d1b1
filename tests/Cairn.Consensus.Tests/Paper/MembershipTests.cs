using Cairn.Consensus.Membership;
using Cairn.Consensus.Tests.Harness;

namespace Cairn.Consensus.Tests.Paper;

/// <summary>Section 6 and dissertation chapter 4: one-server membership changes, learners, and the leader-commit fix.</summary>
public sealed class MembershipTests
{
    private static ConfigurationChange AddLearner(ulong node) => new(ConfigurationChangeType.AddLearner, node);
    private static ConfigurationChange AddVoter(ulong node) => new(ConfigurationChangeType.AddVoter, node);
    private static ConfigurationChange Remove(ulong node) => new(ConfigurationChangeType.RemoveNode, node);

    [Fact]
    public void ConfigurationTakesEffectWhenAppendedBeforeItCommits()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster.Elect(1);
        cluster.Isolated.UnionWith([2, 3]);
        Assert.Equal(ProposeStatus.Accepted, cluster[1].ProposeConfigurationChange(AddVoter(4)).Status);
        Assert.Equal([1UL, 2UL, 3UL, 4UL], cluster[1].Configuration.Voters);
        Assert.True(cluster[1].Committed < cluster[1].LastIndex);
    }

    [Fact]
    public void LearnerReceivesTheLogButDoesNotCountTowardCommit()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster.Elect(1);
        cluster[1].ProposeConfigurationChange(AddLearner(4));
        cluster.Stabilize();
        cluster.Propose(1, "a");
        Assert.Equal(cluster[1].Committed, cluster[4].Committed);
        Assert.True(cluster[4].Configuration.IsLearner(4));
        // With both other voters cut off, the learner's acknowledgement must not be enough to commit.
        cluster.Isolated.UnionWith([2, 3]);
        var result = cluster.Propose(1, "b");
        Assert.True(cluster[1].Committed < result.Index);
        Assert.Equal(cluster[1].LastIndex, cluster[4].LastIndex);
    }

    [Fact]
    public void LearnerNeverCampaignsAndPromotedLearnerCan()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster.Elect(1);
        cluster[1].ProposeConfigurationChange(AddLearner(4));
        cluster.Stabilize();
        cluster.Tick(4, 50);
        Assert.Equal(NodeRole.Follower, cluster[4].Role);
        cluster.Propose(1, "commit-in-term");
        Assert.Equal(ProposeStatus.Accepted, cluster[1].ProposeConfigurationChange(AddVoter(4)).Status);
        cluster.Stabilize();
        Assert.True(cluster[4].Configuration.IsVoter(4));
        cluster.Isolated.Add(1);
        cluster.Tick(4, 20);
        cluster.Stabilize();
        Assert.Equal(NodeRole.Leader, cluster[4].Role);
    }

    [Fact]
    public void OnlyOneUncommittedConfigurationChangeAtATime()
    {
        var cluster = new TestCluster(3, extraNodes: 2);
        cluster.Elect(1);
        cluster.Isolated.UnionWith([2, 3]);
        Assert.Equal(ProposeStatus.Accepted, cluster[1].ProposeConfigurationChange(AddLearner(4)).Status);
        Assert.Equal(ProposeStatus.ConfigurationChangePending, cluster[1].ProposeConfigurationChange(AddLearner(5)).Status);
    }

    [Fact]
    public void NewLeaderMayNotChangeConfigurationBeforeCommittingAnEntryOfItsTerm()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster[1].Campaign();
        cluster.ProcessReadies();
        cluster.Deliverable = m => m.Type is not MessageType.Append;
        cluster.Stabilize();
        Assert.Equal(NodeRole.Leader, cluster[1].Role);
        Assert.Equal(ProposeStatus.LeaderNotReady, cluster[1].ProposeConfigurationChange(AddLearner(4)).Status);
        cluster.Deliverable = _ => true;
        cluster.TickAll(1);
        Assert.Equal(ProposeStatus.Accepted, cluster[1].ProposeConfigurationChange(AddLearner(4)).Status);
    }

    [Fact]
    public void InvalidChangesAreRefused()
    {
        var cluster = new TestCluster(1);
        cluster.Elect(1);
        Assert.Equal(ProposeStatus.InvalidConfigurationChange, cluster[1].ProposeConfigurationChange(Remove(1)).Status);
        Assert.Equal(ProposeStatus.InvalidConfigurationChange, cluster[1].ProposeConfigurationChange(AddVoter(1)).Status);
        Assert.Equal(ProposeStatus.InvalidConfigurationChange, cluster[1].ProposeConfigurationChange(Remove(9)).Status);
    }

    [Fact]
    public void RemovedLeaderKeepsLeadingUntilRemovalCommitsThenStepsDownAndClusterElectsAnother()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Propose(1, "x");
        Assert.Equal(ProposeStatus.Accepted, cluster[1].ProposeConfigurationChange(Remove(1)).Status);
        cluster.Stabilize();
        Assert.Equal(NodeRole.Follower, cluster[1].Role);
        Assert.Equal([2UL, 3UL], cluster[2].Configuration.Voters);
        cluster.TickAll(25);
        Assert.Contains(cluster.Nodes, n => n.Id != 1 && n.Role == NodeRole.Leader);
        Assert.NotEqual(NodeRole.Leader, cluster[1].Role);
    }

    [Fact]
    public void TruncatedConfigurationEntryRollsTheConfigurationBack()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster.Elect(1);
        cluster.Propose(1, "x");
        cluster.Isolated.UnionWith([3]);
        cluster.Deliverable = m => !(m.Type == MessageType.Append && m.To == 2 && m.Entries.Any(e => e.Type == EntryType.ConfigurationChange));
        cluster[1].ProposeConfigurationChange(AddVoter(4));
        cluster.Stabilize();
        // Node 2 never got it; node 1 is cut off; 2 and 3 elect a leader that overwrites it.
        cluster.Isolated.Clear();
        cluster.Isolated.Add(1);
        cluster.Deliverable = _ => true;
        cluster.Elect(2);
        cluster.Propose(2, "y");
        cluster.Isolated.Clear();
        cluster.TickAll(3);
        Assert.Equal([1UL, 2UL, 3UL], cluster[1].Configuration.Voters);
    }

    [Fact]
    public void ConfigurationIsRecoveredFromLogOnRestart()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster.Elect(1);
        cluster[1].ProposeConfigurationChange(AddLearner(4));
        cluster.Stabilize();
        cluster.Restart(2);
        Assert.True(cluster[2].Configuration.IsLearner(4));
    }
}
