using Cairn.Consensus.KeyValue;

namespace Cairn.Consensus.Tests;

public sealed class KeyValueStateMachineTests
{
    private static Entry Put(ulong index, string key, string value) =>
        Entry.Normal(1, index, KeyValueCommand.Put(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(value)).Encode());

    [Fact]
    public void AppliesPutsAndDeletesInLogOrder()
    {
        var machine = new KeyValueStateMachine();
        machine.Apply(Put(1, "a", "1"));
        machine.Apply(Put(2, "a", "2"));
        machine.Apply(Entry.Normal(1, 3, KeyValueCommand.Delete("b"u8.ToArray()).Encode()));
        machine.Apply(Entry.Normal(1, 4, [])); // leader no-op
        Assert.True(machine.TryGet("a"u8, out var value));
        Assert.Equal("2"u8.ToArray(), value);
        Assert.Equal(4UL, machine.AppliedIndex);
    }

    [Fact]
    public void ApplyingOutOfOrderIsABug()
    {
        var machine = new KeyValueStateMachine();
        Assert.Throws<Primitives.InvariantViolationException>(() => machine.Apply(Put(2, "a", "1")));
    }

    [Fact]
    public void SnapshotRoundTripsAndIsDeterministic()
    {
        var first = new KeyValueStateMachine();
        var second = new KeyValueStateMachine();
        first.Apply(Put(1, "x", "1"));
        first.Apply(Put(2, "y", "2"));
        second.Apply(Put(1, "y", "2"));
        second.Apply(Put(2, "x", "1"));
        Assert.Equal(first.TakeSnapshot(), second.TakeSnapshot());
        var restored = new KeyValueStateMachine();
        restored.Restore(first.TakeSnapshot(), 2);
        Assert.True(restored.TryGet("y"u8, out var value));
        Assert.Equal("2"u8.ToArray(), value);
        Assert.Equal(2UL, restored.AppliedIndex);
    }

    [Fact]
    public void MalformedCommandDoesNotDecode()
    {
        Assert.False(KeyValueCommand.TryDecode([9, 0, 0], out _));
        Assert.False(KeyValueCommand.TryDecode([1, 5, 1], out _));
    }
}
