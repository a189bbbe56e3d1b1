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

    [Fact]
    public void TheDigestIsXxHash64OfTheTimestampAndEachEntrysNodeAndCounter()
    {
        // The digest orders concurrent versions on every node, so its value is frozen: this is how it was first computed.
        string longId = new('n', 600); // past the stack buffer
        foreach (VectorClock clock in new[]
        {
            VectorClock.FromEntries([]),
            VectorClock.FromEntries([("node-1", 3), ("node-2", 1)]),
            VectorClock.FromEntries([("é-node", 7), (longId, 2)]),
        })
        {
            var version = new ValueVersion(HybridTimestamp.Create(1234567, 9), clock);
            var reference = new System.IO.Hashing.XxHash64();
            byte[] number = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(number, version.Timestamp.Value);
            reference.Append(number);
            foreach ((string node, long counter) in clock.Entries)
            {
                reference.Append(System.Text.Encoding.UTF8.GetBytes(node));
                System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(number, counter);
                reference.Append(number);
            }
            Assert.Equal(reference.GetCurrentHashAsUInt64(), version.Digest());
        }
    }
}
