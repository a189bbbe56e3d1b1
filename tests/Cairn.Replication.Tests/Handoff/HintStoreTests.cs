using Cairn.Primitives;
using Cairn.Replication.Handoff;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.Handoff;

public sealed class HintStoreTests
{
    private static ValueVersion V(long ms) => new(HybridTimestamp.Create(ms, 0), VectorClock.FromEntries([("a", ms)]));

    [Fact]
    public void KeepsOnlyTheNewestHintPerTargetAndKey()
    {
        var store = new HintStore(1 << 20, 100);
        store.Add(new Hint("b", "k"u8.ToArray(), V(1), "1"u8.ToArray(), 0));
        store.Add(new Hint("b", "k"u8.ToArray(), V(2), "2"u8.ToArray(), 1));
        store.Add(new Hint("b", "k"u8.ToArray(), V(1), "1"u8.ToArray(), 2));
        Hint hint = Assert.Single(store.Peek("b", 10));
        Assert.Equal("2"u8.ToArray(), hint.Payload);
    }

    [Fact]
    public void RefusesHintsBeyondItsSizeBound()
    {
        var store = new HintStore(200, 100);
        Assert.True(store.Add(new Hint("b", "k1"u8.ToArray(), V(1), new byte[100], 0)));
        Assert.False(store.Add(new Hint("b", "k2"u8.ToArray(), V(1), new byte[100], 0)));
        Assert.Equal(1, store.Dropped);
        Assert.True(store.SizeBytes <= 200);
    }

    [Fact]
    public void DropsHintsOlderThanTheWindow()
    {
        var store = new HintStore(1 << 20, 10);
        store.Add(new Hint("b", "old"u8.ToArray(), V(1), null, 0));
        store.Add(new Hint("b", "new"u8.ToArray(), V(1), null, 8));
        store.Expire(15);
        Assert.Equal("new"u8.ToArray(), Assert.Single(store.Peek("b", 10)).Key);
    }

    [Fact]
    public void AnAcknowledgementOfAnOlderVersionKeepsTheNewerHint()
    {
        var store = new HintStore(1 << 20, 10);
        store.Add(new Hint("b", "k"u8.ToArray(), V(2), null, 0));
        store.Remove("b", "k"u8.ToArray(), V(1));
        Assert.Equal(1, store.Count);
        store.Remove("b", "k"u8.ToArray(), V(2));
        Assert.Equal(0, store.Count);
        Assert.Equal(0, store.SizeBytes);
    }
}
