using Cairn.Consensus.Tests.Harness;
using static Cairn.Consensus.Tests.Harness.TestCluster;

namespace Cairn.Consensus.Tests.Paper;

/// <summary>Figure 2 ("Rules for Servers", RequestVote RPC) and section 5.2 (leader election), sentence by sentence.</summary>
public sealed class ElectionTests
{
    [Fact]
    public void BootstrappedNodesStartAsFollowersOfTermOneWithTheInitialConfiguration()
    {
        var cluster = new TestCluster(3);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(NodeRole.Follower, node.Role);
            Assert.Equal(1UL, node.Term);
            Assert.Equal([1UL, 2UL, 3UL], node.Configuration.Voters);
            Assert.Equal(3UL, node.Committed);
        }
    }

    [Fact]
    public void FollowerBecomesCandidateWhenElectionTimeoutElapsesWithoutHearingFromLeader()
    {
        var cluster = new TestCluster(3);
        cluster.Tick(1, 19);
        // Section 5.2: timeouts are drawn from [ElectionTimeout, 2 × ElectionTimeout).
        Assert.Equal(NodeRole.Candidate, cluster[1].Role);
    }

    [Fact]
    public void ElectionTimeoutsAreRandomizedWithinOneToTwoTimeouts()
    {
        var seen = new HashSet<int>();
        for (ulong seed = 1; seed <= 50; seed++)
        {
            var options = new RaftOptions { NodeId = 1, Random = new Primitives.SeededRandom(seed), PreVote = false, CheckQuorum = false };
            var node = new RaftNode(options, PersistedState.Bootstrap([1, 2, 3]));
            int ticks = 0;
            while (node.Role == NodeRole.Follower)
            {
                node.Tick();
                ticks++;
            }
            Assert.InRange(ticks, 10, 19);
            seen.Add(ticks);
        }
        Assert.True(seen.Count > 3, "timeouts vary between nodes");
    }

    [Fact]
    public void CandidateIncrementsTermVotesForItselfAndRequestsVotesFromAllOtherVoters()
    {
        var cluster = new TestCluster(3);
        cluster[1].Campaign();
        Assert.Equal(2UL, cluster[1].Term);
        Assert.Equal(1UL, cluster[1].Vote);
        var ready = cluster[1].GetReady();
        Assert.Equal(new HardState(2, 1, 3), ready.HardState);
        var votes = ready.Messages.Where(m => m.Type == MessageType.Vote).ToList();
        Assert.Equal([2UL, 3UL], votes.Select(m => m.To).Order());
        Assert.All(votes, m => Assert.Equal((2UL, 3UL, 1UL), (m.Term, m.Index, m.LogTerm)));
    }

    [Fact]
    public void VoteRequestAndTheStateItPromisesArePersistedInTheSameReadyBeforeSending()
    {
        var cluster = new TestCluster(3);
        cluster[1].Campaign();
        cluster.ProcessReadies();
        var request = cluster.InFlight.First(m => m.To == 2);
        cluster[2].Step(request);
        var ready = cluster[2].GetReady();
        // The grant goes out in the same Ready as the hard state recording it: the host persists before it sends.
        Assert.Equal(new HardState(2, 1, 3), ready.HardState);
        Assert.Contains(ready.Messages, m => m.Type == MessageType.VoteResponse && !m.Reject);
        Assert.True(ready.MustSync);
    }

    [Fact]
    public void CandidateWithVotesFromMajorityBecomesLeader()
    {
        var cluster = new TestCluster(5);
        cluster.Isolated.Add(4);
        cluster.Isolated.Add(5);
        Assert.Equal(NodeRole.Leader, cluster.Elect(1).Role);
    }

    [Fact]
    public void CandidateWithoutMajorityStaysCandidateAndRetriesInNewTermAfterTimeout()
    {
        var cluster = new TestCluster(5);
        cluster.Isolated.UnionWith([3, 4, 5]);
        cluster.Elect(1);
        Assert.Equal(NodeRole.Candidate, cluster[1].Role);
        cluster.Tick(1, 20);
        Assert.Equal(NodeRole.Candidate, cluster[1].Role);
        Assert.Equal(3UL, cluster[1].Term);
    }

    [Fact]
    public void CandidateLosesWhenMajorityRejects()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Elect(2); // 2 campaigns in term 3 and wins it; 1 rejoins as follower
        Assert.Equal(NodeRole.Leader, cluster[2].Role);
        Assert.Equal(NodeRole.Follower, cluster[1].Role);
    }

    [Fact]
    public void NodeGrantsAtMostOneVotePerTerm()
    {
        var cluster = new TestCluster(3);
        var node = cluster[3];
        node.Step(new Message { Type = MessageType.Vote, From = 1, To = 3, Term = 2, Index = 3, LogTerm = 1 });
        node.Step(new Message { Type = MessageType.Vote, From = 2, To = 3, Term = 2, Index = 3, LogTerm = 1 });
        var responses = node.GetReady().Messages;
        Assert.False(responses.Single(m => m.To == 1).Reject);
        Assert.True(responses.Single(m => m.To == 2).Reject);
    }

    [Fact]
    public void RepeatedVoteRequestFromSameCandidateIsGrantedAgain()
    {
        var node = new TestCluster(3)[3];
        var request = new Message { Type = MessageType.Vote, From = 1, To = 3, Term = 2, Index = 3, LogTerm = 1 };
        node.Step(request);
        node.Step(request);
        Assert.All(node.GetReady().Messages, m => Assert.False(m.Reject));
    }

    [Fact]
    public void VoteRequestWithStaleTermIsIgnored()
    {
        var node = new TestCluster(3)[3];
        node.Step(new Message { Type = MessageType.Vote, From = 1, To = 3, Term = 5, Index = 3, LogTerm = 1 });
        node.Advance(node.GetReady());
        node.Step(new Message { Type = MessageType.Vote, From = 2, To = 3, Term = 4, Index = 3, LogTerm = 1 });
        Assert.False(node.HasReady());
        Assert.Equal(5UL, node.Term);
    }

    [Theory]
    [InlineData(1UL, 3UL, false)] // older last term: less up to date
    [InlineData(2UL, 2UL, true)]  // newer last term wins even with a shorter log
    [InlineData(1UL, 4UL, true)]  // same last term, longer log
    [InlineData(1UL, 5UL, true)]
    public void VoteIsGrantedOnlyToCandidateWhoseLogIsAtLeastAsUpToDate(ulong candidateLastTerm, ulong candidateLastIndex, bool granted)
    {
        // Section 5.4.1. The voter's log: indexes 1-3 of term 1 plus one entry of term 1 at index 4.
        var cluster = new TestCluster(3);
        var voter = cluster[3];
        voter.Step(new Message
        {
            Type = MessageType.Append, From = 1, To = 3, Term = 1, Index = 3, LogTerm = 1,
            Entries = [Entry.Normal(1, 4, [1])], Commit = 3,
        });
        voter.Advance(voter.GetReady());
        voter.Step(new Message { Type = MessageType.Vote, From = 2, To = 3, Term = 5, Index = candidateLastIndex, LogTerm = candidateLastTerm });
        var response = voter.GetReady().Messages.Single(m => m.Type == MessageType.VoteResponse);
        Assert.Equal(!granted, response.Reject);
    }

    [Fact]
    public void AnyMessageWithHigherTermMakesNodeAdoptTermAndFollow()
    {
        var cluster = new TestCluster(3);
        var leader = cluster.Elect(1);
        leader.Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = 9 });
        Assert.Equal(NodeRole.Follower, leader.Role);
        Assert.Equal(9UL, leader.Term);
        Assert.Equal(0UL, leader.Vote);
    }

    [Fact]
    public void CandidateReceivingAppendFromLeaderOfSameTermBecomesFollower()
    {
        var cluster = new TestCluster(3);
        cluster[1].Campaign();
        cluster[1].Advance(cluster[1].GetReady());
        cluster[1].Step(new Message { Type = MessageType.Append, From = 2, To = 1, Term = 2, Index = 3, LogTerm = 1, Commit = 3 });
        Assert.Equal(NodeRole.Follower, cluster[1].Role);
        Assert.Equal(2UL, cluster[1].Leader);
    }

    [Fact]
    public void SingleVoterElectsItself()
    {
        var cluster = new TestCluster(1);
        cluster.Tick(1, 20);
        Assert.Equal(NodeRole.Leader, cluster[1].Role);
    }

    [Fact]
    public void NonVotersNeverCampaign()
    {
        var cluster = new TestCluster(3, extraNodes: 1);
        cluster.Tick(4, 100);
        Assert.Equal(NodeRole.Follower, cluster[4].Role);
        Assert.Equal(0UL, cluster[4].Term);
    }
}
