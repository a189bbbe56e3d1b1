using StackExchange.Redis;

namespace Cairn.Server.Tests.Cluster;

/// <summary>
/// DBSIZE, KEYS, SCAN, RANDOMKEY and FLUSHALL answer for the whole cluster. Three nodes with N=2, so each node holds only
/// about two thirds of the keys: a node answering from its own keyspace alone gets these wrong.
/// </summary>
public sealed class ClusterKeylessTests
{
    private static void TwoReplicas(Cairn.Commands.Config.ServerConfig config)
    {
        config.ClusterReplicas = 2;
        config.ClusterReadQuorum = 1;
        config.ClusterWriteQuorum = 2;
    }

    [Fact]
    public async Task DbsizeKeysScanAndRandomkeySeeEveryKeyOfTheClusterOnce()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3, TwoReplicas);
        try
        {
            var all = new HashSet<string>();
            for (int i = 0; i < 150; i++)
            {
                await nodes[i % 3].Database.StringSetAsync($"s:{i}", "v");
                all.Add($"s:{i}");
            }
            for (int i = 0; i < 30; i++)
            {
                await nodes[i % 3].Database.HashSetAsync($"h:{i}", "f", "v");
                all.Add($"h:{i}");
            }
            Assert.True(nodes.All(n => n.Context.Store[0].Count < all.Count), "each node holds only part of the keys");
            foreach (ClusterTestNode node in nodes)
            {
                using var raw = node.Raw();
                Assert.Equal($":{all.Count}", raw.Execute("DBSIZE"));
                string[] keys = ParseArray(raw.Execute("KEYS", "*"));
                Assert.Equal(all.Count, keys.Length);
                Assert.Equal(all.Order(), keys.Order());
                Assert.Equal(["s:7", "s:70", "s:71", "s:72", "s:73", "s:74", "s:75", "s:76", "s:77", "s:78", "s:79"],
                    ParseArray(raw.Execute("KEYS", "s:7*")).Order());
                Assert.Contains(raw.Execute("RANDOMKEY"), all);
            }

            // A full SCAN from any node returns every key; with MATCH and TYPE it filters; duplicates are allowed by SCAN
            // but do not happen while placement is stable.
            using (var raw = nodes[1].Raw())
            {
                var seen = new List<string>();
                string cursor = "0";
                int calls = 0;
                do
                {
                    string[] reply = ParseScan(raw.Execute("SCAN", cursor, "COUNT", "7"), out cursor);
                    seen.AddRange(reply);
                    calls++;
                    Assert.True(calls < 1000, "the scan ends");
                }
                while (cursor != "0");
                Assert.Equal(all.Order(), seen.Order());
                var hashes = new List<string>();
                do
                {
                    hashes.AddRange(ParseScan(raw.Execute("SCAN", cursor, "MATCH", "h:*", "COUNT", "50", "TYPE", "hash"), out cursor));
                }
                while (cursor != "0");
                Assert.Equal(all.Where(k => k.StartsWith("h:", StringComparison.Ordinal)).Order(), hashes.Order());
                Assert.Equal("-ERR invalid cursor", raw.Execute("SCAN", "abc"));
                Assert.Equal("-ERR syntax error", raw.Execute("SCAN", "0", "COUNT", "0"));
                Assert.Equal("-ERR value is not an integer or out of range", raw.Execute("SCAN", "0", "COUNT", "x"));
            }
            // The same through a real client's SCAN loop (StackExchange.Redis walks the cursor itself).
            IServer server = nodes[2].Database.Multiplexer.GetServer(nodes[2].Database.Multiplexer.GetEndPoints()[0]);
            Assert.Equal(all.Count, server.Keys(pageSize: 20).Select(k => (string)k!).Distinct().Count());
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task FlushallEmptiesEveryNodeKeepsLaterWritesAndIsRefusedWhileANodeIsDownAndAScanSpanningTheFailureMissesNothing()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3, TwoReplicas);
        try
        {
            for (int i = 0; i < 60; i++)
            {
                await nodes[i % 3].Database.StringSetAsync($"f:{i}", "v");
            }
            using (var raw = nodes[2].Raw())
            {
                Assert.Equal("-ERR syntax error", raw.Execute("FLUSHALL", "NOW"));
                Assert.Equal("+OK", raw.Execute("FLUSHALL"));
                Assert.Equal(":0", raw.Execute("DBSIZE"));
            }
            Assert.All(nodes, n => Assert.Equal(0, n.Context.Store[0].Count));
            // Anti-entropy and hints cannot bring a flushed key back, and writes after the flush are kept.
            await nodes[0].Database.StringSetAsync("after", "1");
            await Task.Delay(400); // several anti-entropy rounds (100 ms each in tests)
            Assert.Equal(1L, (long)await nodes[1].Database.ExecuteAsync("DBSIZE"));
            Assert.Equal("1", (string?)await nodes[2].Database.StringGetAsync("after"));
            using (var raw = nodes[0].Raw())
            {
                Assert.Equal("+OK", raw.Execute("FLUSHDB", "ASYNC"));
                Assert.Equal(":0", raw.Execute("DBSIZE"));
            }

            // A SCAN that spans a node failure still returns every key (some twice: partitions restart on their new owner).
            var all = new HashSet<string>();
            for (int i = 0; i < 80; i++)
            {
                await nodes[i % 2].Database.StringSetAsync($"g:{i}", "v");
                all.Add($"g:{i}");
            }
            using var scanner = nodes[0].Raw();
            var seen = new List<string>();
            string cursor = "0";
            for (int step = 0; step < 40; step++)
            {
                seen.AddRange(ParseScan(scanner.Execute("SCAN", cursor, "COUNT", "2"), out cursor));
            }
            Assert.NotEqual("0", cursor);
            await nodes[2].CrashAsync();
            await ClusterTestNode.WaitUntilAsync(async () =>
                await nodes[0].Cluster.QueryAsync(n => n.LivenessOf("node-3") == Cairn.Replication.Membership.Liveness.Down),
                "node-1 sees node-3 down");
            do
            {
                seen.AddRange(ParseScan(scanner.Execute("SCAN", cursor, "COUNT", "2"), out cursor));
            }
            while (cursor != "0");
            Assert.Equal(all.Order(), seen.Distinct().Order());
            using (var raw = nodes[0].Raw())
            {
                Assert.StartsWith("-CLUSTERDOWN FLUSHALL needs every node, and node-3 is down", raw.Execute("FLUSHALL"));
                // With N=2, every partition still has a live replica: the keyspace commands keep working.
                Assert.Equal($":{all.Count}", raw.Execute("DBSIZE"));
            }
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    internal static string[] ParseArray(string rendered)
    {
        Assert.StartsWith("[", rendered);
        string inner = rendered[1..^1];
        return inner.Length == 0 ? [] : inner.Split(", ");
    }

    /// <summary>"[cursor, [k1, k2]]" → keys, and the cursor.</summary>
    private static string[] ParseScan(string rendered, out string cursor)
    {
        Assert.StartsWith("[", rendered);
        int comma = rendered.IndexOf(", ", StringComparison.Ordinal);
        cursor = rendered[1..comma];
        return ParseArray(rendered[(comma + 2)..^1]);
    }
}
