using Cairn.Cluster.Handoff;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using Cairn.Replication.Handoff;
using Cairn.Replication.Node;
using Cairn.Replication.Versioning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Server.Tests.Cluster;

/// <summary>The durable hint log on a fault-injecting file system: what was synced survives a crash, the window applies on load.</summary>
public sealed class HintLogTests
{
    private const long TickMilliseconds = 100;

    private long _now = 1_000_000;

    private static ValueVersion V(long ms) => new(HybridTimestamp.Create(ms, 0), VectorClock.FromEntries([("a", ms)]));

    private static ReplicationNode NewNode() => new(new ReplicationOptions
    {
        NodeId = "a",
        Random = new SeededRandom(3),
        HintWindowTicks = 10, // 1 s
        HintMaxBytes = 1 << 20,
    }, new NoStore());

    private HintLog Open(IFileSystem fileSystem, ReplicationNode node) =>
        HintLog.Open(fileSystem, "/data", node, () => _now, TickMilliseconds, NullLogger.Instance)!;

    private static Hint H(string key, long version) => new("b", System.Text.Encoding.UTF8.GetBytes(key), V(version), [1, 2, 3], 0);

    [Theory]
    [InlineData(CrashMode.DropUnsynced)]
    [InlineData(CrashMode.TearUnsynced)]
    public void SyncedHintsSurviveACrashAndTheUnsyncedTailIsDroppedOrCutAtAWholeRecord(CrashMode mode)
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            var fileSystem = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom((ulong)seed));
            ReplicationNode node = NewNode();
            HintLog log = Open(fileSystem, node);
            for (int i = 0; i < 20; i++)
            {
                node.Hints.Add(H($"k{i}", 10));
            }
            node.Hints.Remove("b", "k0"u8.ToArray(), V(10));
            log.Append(node.Hints);
            log.Sync();
            for (int i = 20; i < 40; i++)
            {
                node.Hints.Add(H($"k{i}", 10));
            }
            log.Append(node.Hints); // not synced
            fileSystem.Crash(mode);

            ReplicationNode restarted = NewNode();
            HintLog reopened = Open(fileSystem, restarted);
            var keys = restarted.Hints.All.Select(h => System.Text.Encoding.UTF8.GetString(h.Key)).ToHashSet();
            Assert.True(Enumerable.Range(1, 19).All(i => keys.Contains($"k{i}")), $"seed {seed}: every synced hint is back");
            Assert.DoesNotContain("k0", keys); // its removal was logged
            Assert.True(keys.Count <= 39);
            Assert.Equal(mode == CrashMode.DropUnsynced ? HintReadStatus.End : reopened.LoadStatus, reopened.LoadStatus);
            Assert.Single(fileSystem.List("/data"), name => name.StartsWith("cluster-hints.", StringComparison.Ordinal));

            // The new generation holds exactly the live hints: a second restart finds the same ones.
            reopened.Dispose();
            ReplicationNode again = NewNode();
            Open(fileSystem, again).Dispose();
            Assert.Equal(keys.Order(), again.Hints.All.Select(h => System.Text.Encoding.UTF8.GetString(h.Key)).Order());
        }
    }

    [Fact]
    public void HintsOlderThanTheWindowAreDroppedOnLoad()
    {
        var fileSystem = new MemoryFileSystem();
        ReplicationNode node = NewNode();
        HintLog log = Open(fileSystem, node);
        node.Hints.Add(H("old", 1));
        log.Append(node.Hints);
        _now += 1500;
        node.Hints.Add(H("recent", 1));
        log.Append(node.Hints);
        log.Dispose();

        _now += 600; // "old" is 2.1 s old, "recent" 0.6 s: the window is 1 s
        ReplicationNode restarted = NewNode();
        Open(fileSystem, restarted).Dispose();
        Assert.Equal("recent"u8.ToArray(), Assert.Single(restarted.Hints.All).Key);
    }

    private sealed class NoStore : IReplicaStore
    {
        public ExecuteResult Execute(byte[] command, IReadOnlyList<byte[]> keys, bool write) => new([], false);

        public byte[]? Export(byte[] key) => null;

        public void Install(byte[] key, byte[]? payload)
        {
        }
    }
}
