using Cairn.Consensus.Membership;
using Cairn.Consensus.Tests.Harness;
using Cairn.Consensus.Tracking;

namespace Cairn.Consensus.Tests.Paper;

/// <summary>Section 7: log compaction and InstallSnapshot.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void CompactionDropsAppliedPrefixAndRecordsConfiguration()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        for (int i = 0; i < 5; i++)
        {
            cluster.Propose(1, "v" + i);
        }
        var node = cluster[1];
        ulong applied = node.Applied;
        var snapshot = node.Compact(applied, [1, 2, 3]);
        Assert.Equal(applied + 1, node.FirstIndex);
        Assert.Equal(applied, snapshot.Metadata.Index);
        Assert.Equal(node.Term, snapshot.Metadata.Term);
        Assert.Equal([1UL, 2UL, 3UL], snapshot.Metadata.Configuration.Voters);
    }

    [Fact]
    public void FollowerBehindCompactedPrefixReceivesSnapshotThenEntries()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Isolated.Add(3);
        for (int i = 0; i < 10; i++)
        {
            cluster.Propose(1, "v" + i);
        }
        cluster[1].Compact(cluster[1].Applied, [7, 7]);
        cluster.Propose(1, "after");
        cluster.Isolated.Clear();
        cluster.TickAll(3);
        Assert.True(cluster.InstalledSnapshots.ContainsKey(3));
        Assert.Equal([7, 7], cluster.InstalledSnapshots[3].Data);
        Assert.Equal(cluster[1].LastIndex, cluster[3].LastIndex);
        Assert.Equal(cluster[1].Committed, cluster[3].Committed);
        Assert.Equal(ProgressState.Replicate, cluster[1].GetProgress(3)!.State);
    }

    [Fact]
    public void LostSnapshotIsResentAfterElectionTimeout()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Isolated.Add(3);
        for (int i = 0; i < 5; i++)
        {
            cluster.Propose(1, "v" + i);
        }
        cluster[1].Compact(cluster[1].Applied, [1]);
        cluster.Isolated.Clear();
        cluster.Deliverable = m => m.Type != MessageType.InstallSnapshot;
        cluster.TickAll(2);
        Assert.Equal(ProgressState.Snapshot, cluster[1].GetProgress(3)!.State);
        cluster.Deliverable = _ => true;
        cluster.TickAll(12);
        Assert.True(cluster.InstalledSnapshots.ContainsKey(3));
        Assert.Equal(cluster[1].LastIndex, cluster[3].LastIndex);
    }

    [Fact]
    public void SnapshotCarriesConfigurationToJoiningNode()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster[1].Compact(cluster[1].Applied, [5]);
        cluster[1].ProposeConfigurationChange(new ConfigurationChange(ConfigurationChangeType.AddLearner, 4));
        cluster.Stabilize();
        cluster.TickAll(2);
        Assert.True(cluster.InstalledSnapshots.ContainsKey(4));
        Assert.Equal([1UL, 2UL, 3UL], cluster[4].Configuration.Voters);
        Assert.True(cluster[4].Configuration.IsLearner(4));
    }

    [Fact]
    public void RestartFromSnapshotAndSuffixRestoresLogPosition()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        for (int i = 0; i < 4; i++)
        {
            cluster.Propose(1, "v" + i);
        }
        var snapshot = cluster[1].Compact(cluster[1].Applied - 1, [3]);
        var entries = cluster.StoredEntries(1).Where(e => e.Index > snapshot.Metadata.Index).ToArray();
        var restarted = new RaftNode(TestCluster.DefaultOptions(1), new PersistedState(cluster.StoredHardState(1), snapshot, entries));
        Assert.Equal(cluster[1].LastIndex, restarted.LastIndex);
        Assert.Equal(snapshot.Metadata.Index + 1, restarted.FirstIndex);
        Assert.Equal(snapshot.Metadata.Index, restarted.Applied);
    }
}
