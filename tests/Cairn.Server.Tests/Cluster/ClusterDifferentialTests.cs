using Cairn.Server.Tests.Compatibility;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Rdb;

namespace Cairn.Server.Tests.Cluster;

/// <summary>
/// A 3-node cluster (N=3, R=2, W=2) answers as one standalone Redis 7.0 does: the differential sequence of
/// <see cref="DifferentialTests"/> (every data type, transactions, errors), with every key in one slot (hash tag "{c}") so
/// that multi-key commands are allowed, goes to Redis and to one node of the cluster, and every reply must match. The
/// node coordinates everything: writes forwarded to the key's primary and replicated, reads from a quorum, MULTI/EXEC
/// and WATCH run on the primary. Without SELECT, MOVE and SWAPDB (a cluster has database 0 only).
/// </summary>
public sealed class ClusterDifferentialTests
{
    // Checked once with 56 seeds (200-215 and 300-339, 4,000 commands each): every reply matched, once the cluster
    // fixes this test found were made (SORT STORE's destination and XREAD/XREADGROUP's keys routed, watches kept by a
    // stray EXEC, sources of a write not re-versioned, FLUSHDB refused inside MULTI).
    [Theory]
    [InlineData(11, 0, false)]
    [InlineData(12, 2, true)]
    public async Task AClusterNodeGivesTheRepliesOfAStandaloneRedis(int seed, int coordinator, bool resp3)
    {
        using var redis = new RedisServerProcess();
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            using var redisClient = new RawClient(redis.Port);
            using RawClient cairnClient = nodes[coordinator].Raw();
            if (resp3)
            {
                Assert.StartsWith("{server: redis", redisClient.Execute("HELLO", "3"), StringComparison.Ordinal);
                Assert.StartsWith("{server: ", cairnClient.Execute("HELLO", "3"), StringComparison.Ordinal);
            }
            var generator = new DifferentialCommands(seed, keyPrefix: "{c}", databases: false);
            DifferentialTests.Compare(redisClient, cairnClient, generator, 2_000, $"cluster, seed {seed}, node {coordinator}");
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }
}
