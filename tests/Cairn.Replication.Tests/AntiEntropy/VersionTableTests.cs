using Cairn.Primitives;
using Cairn.Replication.AntiEntropy;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.AntiEntropy;

public sealed class VersionTableTests
{
    [Fact]
    public void AVersionsDigestIsTheDigestOfTheVersionHeldAndOfNoneForAKeyWithout()
    {
        var table = new VersionTable(4);
        byte[] key = "k"u8.ToArray();
        Assert.Same(ValueVersion.None, table.VersionOf(1, key, out ulong missing));
        Assert.Equal(ValueVersion.None.Digest(), missing);

        var first = new ValueVersion(HybridTimestamp.Create(1000, 0), VectorClock.FromEntries([("a", 1)]));
        table.Record(1, key, first, deleted: false);
        Assert.Same(first, table.VersionOf(1, key, out ulong digest));
        Assert.Equal(first.Digest(), digest);

        var second = new ValueVersion(HybridTimestamp.Create(2000, 0), VectorClock.FromEntries([("a", 2), ("b", 1)]));
        table.Record(1, key, second, deleted: true); // a tombstone has a digest too
        Assert.Same(second, table.VersionOf(1, key, out digest));
        Assert.Equal(second.Digest(), digest);
        Assert.NotEqual(first.Digest(), digest);
    }
}
