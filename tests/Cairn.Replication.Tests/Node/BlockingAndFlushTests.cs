using Cairn.Primitives;
using Cairn.Replication.Node;
using Cairn.Replication.Protocol;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.Node;

/// <summary>The node's part of blocking commands (watches on the primary) and of a cluster-wide FLUSHALL.</summary>
public sealed class BlockingAndFlushTests
{
    private static readonly byte[] Key = "queue"u8.ToArray();

    private static ReplicationNode SingleNode(ListStore store) => new(new ReplicationOptions
    {
        NodeId = "a",
        Random = new SeededRandom(7),
        PartitionCount = 16,
        ReplicationFactor = 1,
        BlockWatchTicks = 50,
    }, store);

    private static Operation Op(ReplicationNode node, byte[] command) =>
        new(node.Layout.PartitionOfKey(Key), [Key], command, true, 1, 1);

    [Fact]
    public void ABlockingCommandThatFindsNothingParksAWatchThatTheNextChangeOfItsKeyFiresOnce()
    {
        var store = new ListStore();
        ReplicationNode node = SingleNode(store);
        node.Submit(1, Op(node, "P"u8.ToArray()), 1000);
        Completion blocked = Assert.Single(node.TakeCompletions());
        Assert.Equal(CompletionStatus.WouldBlock, blocked.Status);
        Assert.Equal("P!"u8.ToArray(), blocked.RetryCommand); // the command as the store rewrote it
        Assert.Equal(250, blocked.BlockTimeoutMilliseconds);
        Assert.Equal(1, node.Watches.Count);

        node.Submit(2, Op(node, "Sx"u8.ToArray()), 1001);
        List<Completion> completions = node.TakeCompletions();
        Assert.Contains(completions, c => c.RequestId == 1 && c.Status == CompletionStatus.KeysReady);
        Assert.Contains(completions, c => c.RequestId == 2 && c.Status == CompletionStatus.Ok);
        Assert.Equal(0, node.Watches.Count);

        node.Submit(1, Op(node, blocked.RetryCommand!), 1002);
        Completion served = Assert.Single(node.TakeCompletions());
        Assert.Equal(CompletionStatus.Ok, served.Status);
        Assert.Equal("x"u8.ToArray(), served.Reply);
        node.Submit(3, Op(node, "Sy"u8.ToArray()), 1003);
        Assert.DoesNotContain(node.TakeCompletions(), c => c.Status == CompletionStatus.KeysReady); // fired once only
    }

    [Fact]
    public void WatchesExpireSoACoordinatorThatWentAwayLeavesNothingBehind()
    {
        var store = new ListStore();
        ReplicationNode node = SingleNode(store);
        node.Submit(1, Op(node, "P"u8.ToArray()), 1000);
        Assert.Equal(1, node.Watches.Count);
        for (int i = 0; i < 50; i++)
        {
            node.Tick(1000 + i);
        }
        Assert.Equal(0, node.Watches.Count);
    }

    [Fact]
    public void AfterAFlushReplicaStatesVersionedBeforeItAreRefusedAndLaterOnesInstalled()
    {
        var store = new ListStore();
        ReplicationNode node = SingleNode(store);
        node.Step(Replicate(HybridTimestamp.Create(5000, 0), "old"), 5000);
        Assert.Equal("old"u8.ToArray(), store.Data[Key]);
        store.Data.Clear(); // the shell flushed the engine
        node.Flush(HybridTimestamp.Create(6000, 0));
        Assert.Equal(0, node.Versions.KeyCount(node.Layout.PartitionOfKey(Key)));

        node.Step(Replicate(HybridTimestamp.Create(5500, 0), "late"), 6001); // a write from before the flush, still in flight
        Assert.False(store.Data.ContainsKey(Key));
        node.Step(Replicate(HybridTimestamp.Create(6500, 0), "new"), 6002);
        Assert.Equal("new"u8.ToArray(), store.Data[Key]);

        // Writes made here after the flush are timestamped after it even if the clock lags.
        Assert.True(node.Timestamp(100) > HybridTimestamp.Create(6000, 0));
    }

    [Fact]
    public void ATransactionWithAWatchedKeyRunsOnlyIfThePrimaryStillHasTheWatchedVersion()
    {
        var store = new ListStore();
        ReplicationNode node = SingleNode(store);
        Operation watchedAbsent = Op(node, "Sa"u8.ToArray()) with { Watched = [new WatchedKey(Key, ValueVersion.None)] };
        node.Submit(1, watchedAbsent, 1000);
        Assert.Equal(CompletionStatus.Ok, Assert.Single(node.TakeCompletions()).Status);
        ValueVersion now = node.Versions.VersionOf(node.Layout.PartitionOfKey(Key), Key);

        node.Submit(2, Op(node, "Sb"u8.ToArray()) with { Watched = [new WatchedKey(Key, ValueVersion.None)] }, 1001);
        Assert.Equal(CompletionStatus.WatchAborted, Assert.Single(node.TakeCompletions()).Status); // changed since watched
        Assert.Equal("a"u8.ToArray(), store.Data[Key]);

        node.Submit(3, Op(node, "Sc"u8.ToArray()) with { Watched = [new WatchedKey(Key, now)] }, 1002);
        Assert.Equal(CompletionStatus.Ok, Assert.Single(node.TakeCompletions()).Status);
        Assert.Equal("c"u8.ToArray(), store.Data[Key]);
    }

    private static PeerMessage Replicate(HybridTimestamp timestamp, string value) => new()
    {
        Type = PeerMessageType.Replicate,
        From = "b",
        To = "a",
        Keys = [Key],
        Versions = [new ValueVersion(timestamp, VectorClock.FromEntries([("b", timestamp.PhysicalMilliseconds)]))],
        Payloads = [System.Text.Encoding.UTF8.GetBytes(value)],
    };

    /// <summary>"S&lt;value&gt;" sets; "P" pops, or blocks (asking to be retried as "P!") when the key is absent.</summary>
    private sealed class ListStore : SetStore
    {
        public override ExecuteResult Execute(byte[] command, IReadOnlyList<byte[]> keys, bool write)
        {
            if (command[0] == (byte)'S')
            {
                Data[keys[0]] = command[1..];
                return new ExecuteResult("OK"u8.ToArray(), true);
            }
            if (Data.Remove(keys[0], out byte[]? value))
            {
                return new ExecuteResult(value, true);
            }
            return new ExecuteResult("(nil)"u8.ToArray(), false, "P!"u8.ToArray(), 250);
        }
    }
}
