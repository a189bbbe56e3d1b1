using Cairn.Primitives;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.Versioning;

public sealed class VersionTests
{
    private static VectorClock Clock(params (string, long)[] entries) => VectorClock.FromEntries(entries);

    [Fact]
    public void VectorClocksOrderCausallyRelatedWritesAndDetectConcurrentOnes()
    {
        VectorClock a = Clock(("a", 1));
        VectorClock ab = a.Increment("b");
        Assert.Equal(ClockOrder.Before, a.Compare(ab));
        Assert.Equal(ClockOrder.After, ab.Compare(a));
        Assert.Equal(ClockOrder.Equal, ab.Compare(Clock(("b", 1), ("a", 1))));
        VectorClock ac = a.Increment("c");
        Assert.Equal(ClockOrder.Concurrent, ab.Compare(ac));
        Assert.Equal(ClockOrder.After, ab.Merge(ac).Compare(ac));
    }

    [Fact]
    public void ADescendantWinsEvenWithAnOlderTimestamp()
    {
        var old = new ValueVersion(HybridTimestamp.Create(2000, 0), Clock(("a", 1)));
        var child = new ValueVersion(HybridTimestamp.Create(1000, 0), Clock(("a", 2)));
        Assert.True(child.CompareNewness(old) > 0);
    }

    [Fact]
    public void ConcurrentVersionsResolveLastWriterWinsOnTheHybridClock()
    {
        var left = new ValueVersion(HybridTimestamp.Create(1000, 0), Clock(("a", 1)));
        var right = new ValueVersion(HybridTimestamp.Create(1000, 1), Clock(("b", 1)));
        Assert.True(left.IsConcurrentWith(right));
        Assert.True(right.CompareNewness(left) > 0);
        Assert.True(left.CompareNewness(right) < 0);
    }

    [Fact]
    public void ConcurrentVersionsWithEqualTimestampsStillHaveOneWinner()
    {
        var left = new ValueVersion(HybridTimestamp.Create(1000, 0), Clock(("a", 1)));
        var right = new ValueVersion(HybridTimestamp.Create(1000, 0), Clock(("b", 1)));
        Assert.Equal(-Math.Sign(left.CompareNewness(right)), Math.Sign(right.CompareNewness(left)));
        Assert.NotEqual(0, left.CompareNewness(right));
    }

    [Fact]
    public void ClocksStayBounded()
    {
        VectorClock clock = VectorClock.Empty;
        for (int i = 0; i < VectorClock.MaxEntries + 10; i++)
        {
            clock = clock.Increment($"n{i}");
        }
        Assert.Equal(VectorClock.MaxEntries, clock.Entries.Count);
        Assert.Equal(1, clock.CounterOf($"n{VectorClock.MaxEntries + 9}"));
    }
}
