using Cairn.Replication.Membership;

namespace Cairn.Replication.Tests.Membership;

public sealed class MembershipTests
{
    [Fact]
    public void MergeKeepsTheNewestRecordPerNodeInAnyOrder()
    {
        var records = new[]
        {
            new MemberRecord("a", "h:1", "", 1, 5, false),
            new MemberRecord("a", "h:1", "", 2, 1, false),
            new MemberRecord("b", "h:2", "", 1, 9, false),
            new MemberRecord("a", "h:1", "", 1, 7, false),
            new MemberRecord("b", "h:2", "", 1, 9, true),
        };
        var random = new Cairn.Primitives.SeededRandom(7);
        MemberRecord[]? expected = null;
        for (int round = 0; round < 20; round++)
        {
            var state = new MembershipState();
            foreach (MemberRecord record in records.OrderBy(_ => random.NextInt(1000)))
            {
                state.Merge(record);
            }
            MemberRecord[] result = state.Records.OrderBy(r => r.NodeId).ToArray();
            expected ??= result;
            Assert.Equal(expected, result);
        }
        Assert.Equal(2, expected![0].Incarnation);
        Assert.True(expected[1].Left);
    }

    [Fact]
    public void OnlyJoinsAndLeavesChangeThePlacementVersion()
    {
        var state = new MembershipState();
        state.Merge(new MemberRecord("a", "", "", 1, 1, false));
        long joined = state.PlacementVersion;
        state.Merge(new MemberRecord("a", "", "", 1, 2, false));
        Assert.Equal(joined, state.PlacementVersion);
        state.Merge(new MemberRecord("a", "", "", 1, 3, true));
        Assert.True(state.PlacementVersion > joined);
        Assert.Empty(state.PlacementNodes());
    }

    [Fact]
    public void SilentPeerGoesAliveSuspectDownAndBackOnAHeartbeat()
    {
        var detector = new FailureDetector(suspectAfterTicks: 10, downAfterTicks: 30);
        detector.Observe("b", 1, 1, nowTick: 0);
        Assert.Equal(Liveness.Alive, detector.Of("b", 9));
        Assert.Equal(Liveness.Suspect, detector.Of("b", 10));
        Assert.Equal(Liveness.Suspect, detector.Of("b", 29));
        Assert.Equal(Liveness.Down, detector.Of("b", 30));
        Assert.False(detector.Observe("b", 1, 1, 31)); // the same heartbeat again is no evidence
        Assert.Equal(Liveness.Down, detector.Of("b", 31));
        Assert.True(detector.Observe("b", 1, 2, 32));
        Assert.Equal(Liveness.Alive, detector.Of("b", 32));
    }

    [Fact]
    public void UnknownPeersAreDown() => Assert.Equal(Liveness.Down, new FailureDetector(1, 2).Of("x", 0));
}
