using System.Diagnostics;
using System.Text;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Cairn.Server.Tests.Cluster;

/// <summary>Multi-node tests: real nodes on loopback ephemeral ports, talking through the real peer transport.</summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task WritesThroughAnyNodeAreReadableThroughEveryNodeAndStoredOnEveryReplica()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            for (int i = 0; i < 100; i++)
            {
                Assert.True(await nodes[i % 3].Database.StringSetAsync($"key:{i}", $"value:{i}"));
            }
            for (int i = 0; i < 100; i++)
            {
                Assert.Equal($"value:{i}", (string?)await nodes[(i + 1) % 3].Database.StringGetAsync($"key:{i}"));
            }
            Assert.True(await nodes[2].Database.KeyDeleteAsync("key:7"));
            Assert.False((await nodes[0].Database.StringGetAsync("key:7")).HasValue);
            // N = 3 on 3 nodes: every node replicates every key (W = 2 answered; the third catches up at once).
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(nodes.All(n =>
                Enumerable.Range(0, 100).All(i => n.LocalValue($"key:{i}") == (i == 7 ? null : $"value:{i}")))), "every replica holds every key");
            Assert.Equal(7, await nodes[0].Database.StringIncrementAsync("counter", 7));
            Assert.Equal(10, await nodes[1].Database.StringIncrementAsync("counter", 3));
            Assert.Equal("ERR value is not an integer or out of range",
                (await Assert.ThrowsAsync<RedisServerException>(() => nodes[2].Database.StringIncrementAsync("key:1"))).Message);
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task DeletedKeysTombstonesAreCollectedOnEveryNodeAfterTheGraceAndTheReplicasStillAgree()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3, c => c.ClusterTombstoneGraceMilliseconds = 1000);
        try
        {
            for (int i = 0; i < 20; i++)
            {
                Assert.True(await nodes[i % 3].Database.StringSetAsync($"t:{i}", $"v{i}"));
            }
            for (int i = 0; i < 20; i += 2)
            {
                Assert.True(await nodes[(i + 1) % 3].Database.KeyDeleteAsync($"t:{i}"));
            }
            // N = 3 on 3 nodes: each node held all 10 tombstones, and forgets each one once it is a second old.
            await ClusterTestNode.WaitUntilAsync(async () =>
            {
                foreach (ClusterTestNode node in nodes)
                {
                    int versions = await node.Cluster.QueryAsync(n => Enumerable.Range(0, n.Versions.PartitionCount).Sum(n.Versions.KeyCount));
                    if (versions != 10)
                    {
                        return false;
                    }
                }
                return true;
            }, "only the live keys keep a version");
            foreach (ClusterTestNode node in nodes)
            {
                Assert.InRange(await node.Cluster.QueryAsync(n => n.Stats.TombstonesCollected), 10, 20);
                using Infrastructure.RawClient raw = node.Raw();
                string info = raw.Execute("INFO", "cluster");
                Assert.Contains("cluster_tombstones_collected:", info);
                Assert.Contains("cluster_tombstones_queued:0", info);
            }
            ulong[][] roots = new ulong[3][];
            for (int n = 0; n < 3; n++)
            {
                roots[n] = await nodes[n].Cluster.QueryAsync(node =>
                    Enumerable.Range(0, node.Versions.PartitionCount).Select(p => node.Versions.Tree(p).RootHash).ToArray());
            }
            Assert.Equal(roots[0], roots[1]);
            Assert.Equal(roots[0], roots[2]);
            for (int i = 0; i < 20; i++)
            {
                RedisValue value = await nodes[(i + 2) % 3].Database.StringGetAsync($"t:{i}");
                Assert.Equal(i % 2 == 0 ? RedisValue.Null : (RedisValue)$"v{i}", value);
            }
            Assert.Equal(10, (long)await nodes[0].Database.ExecuteAsync("DBSIZE"));
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task ReplicasHoldTheSameStringsExpiriesAndTypesAsThePrimary()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            // Strings travel as raw bytes (installed with SET), other types as DUMP payloads: both keep their expiry.
            RawClientHelper(nodes[0], "SET", "s:plain", "v");
            RawClientHelper(nodes[1], "SET", "s:ttl", "v", "PX", "600000");
            RawClientHelper(nodes[2], "SET", "s:binary", "a\0b\r\n\u00ff");
            RawClientHelper(nodes[0], "HSET", "h:1", "f", "v");
            RawClientHelper(nodes[0], "PEXPIRE", "h:1", "600000");
            RawClientHelper(nodes[1], "HSET", "s:then-hash", "f", "v");
            RawClientHelper(nodes[2], "SET", "s:then-hash", "now a string");
            RawClientHelper(nodes[0], "SET", "s:short", "v", "PX", "1");
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(nodes.All(n =>
                n.LocalValue("s:plain") == "v" && n.LocalValue("s:ttl") == "v" && n.LocalValue("s:binary") == "a\0b\r\n\u00ff"
                && n.LocalValue("h:1") == "(not a string)" && n.LocalValue("s:then-hash") == "now a string")), "every replica holds every key");
            foreach (ClusterTestNode node in nodes)
            {
                using (node.Context.Store.Lock.EnterScope())
                {
                    Engine.Memory.Keyspace.Database db = node.Context.Store[0];
                    long now = node.Context.NowMilliseconds;
                    Assert.Equal(0, db.ExpiresAt(db.Find("s:plain"u8, now)));
                    Assert.InRange(db.ExpiresAt(db.Find("s:ttl"u8, now)) - now, 1, 600000);
                    Assert.InRange(db.ExpiresAt(db.Find("h:1"u8, now)) - now, 1, 600000);
                }
            }
            await Task.Delay(20);
            Assert.All(nodes, n => Assert.Null(n.LocalValue("s:short")));
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }

        static void RawClientHelper(ClusterTestNode node, params string[] command)
        {
            using Infrastructure.RawClient raw = node.Raw();
            string reply = raw.Execute(command);
            Assert.False(reply.StartsWith('-'), string.Join(' ', command) + " -> " + reply);
        }
    }

    [Fact]
    public async Task PipelinedRoutedCommandsAreAnsweredInOrderOnEveryNode()
    {
        // Every routed command parks its client; the answered client resumes on the thread that answered it (usually a peer
        // link's) and goes on with the commands already buffered behind it there.
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            var clients = nodes.Select(n => n.Raw()).ToList();
            for (int round = 0; round < 3; round++)
            {
                for (int c = 0; c < clients.Count; c++)
                {
                    var batch = new StringBuilder();
                    for (int i = 0; i < 100; i++)
                    {
                        string key = $"pipe:{c}:{i}";
                        batch.Append(Infrastructure.RawClient.Encode("SET", key, $"{round}:{i}"))
                            .Append(Infrastructure.RawClient.Encode("GET", key))
                            .Append(Infrastructure.RawClient.Encode("PING"));
                    }
                    clients[c].Send(batch.ToString());
                }
                for (int c = 0; c < clients.Count; c++)
                {
                    for (int i = 0; i < 100; i++)
                    {
                        Assert.Equal("+OK", clients[c].ReadReply());
                        Assert.Equal($"{round}:{i}", clients[c].ReadReply());
                        Assert.Equal("+PONG", clients[c].ReadReply());
                    }
                }
            }
            clients.ForEach(c => c.Dispose());
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task ManyClientsWhoseRequestsArriveTogetherEachGetTheirOwnAnswer()
    {
        // The routed requests an event loop reads in one turn are submitted together at its end and their peer messages share
        // one frame per peer (EventLoopTurn): every client must still get its own reply, reads must see the writes before them.
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            var clients = Enumerable.Range(0, 32).Select(_ => nodes[0].Raw()).ToList();
            long framesBefore = nodes[0].Cluster.Transport.FramesSent;
            long messagesBefore = nodes[0].Cluster.Transport.MessagesSent;
            for (int round = 0; round < 20; round++)
            {
                for (int c = 0; c < clients.Count; c++)
                {
                    clients[c].SendCommand("SET", $"turn:{c}", $"{round}:{c}");
                }
                for (int c = 0; c < clients.Count; c++)
                {
                    Assert.Equal("+OK", clients[c].ReadReply());
                }
                for (int c = 0; c < clients.Count; c++)
                {
                    clients[c].SendCommand("GET", $"turn:{c}");
                }
                for (int c = 0; c < clients.Count; c++)
                {
                    Assert.Equal($"{round}:{c}", clients[c].ReadReply());
                }
            }
            long frames = nodes[0].Cluster.Transport.FramesSent - framesBefore;
            long messages = nodes[0].Cluster.Transport.MessagesSent - messagesBefore;
            output.WriteLine($"coordinator: {messages} peer messages in {frames} frames for {20 * 2 * clients.Count} requests");
            Assert.True(frames > 0 && messages >= frames);
            clients.ForEach(c => c.Dispose());
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task MultiKeyCommandsWorkWithinASlotAndGetCrossSlotOtherwise()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            using var raw = nodes[1].Raw();
            Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot", raw.Execute("MSET", "a", "1", "b", "2"));
            Assert.Equal("+OK", raw.Execute("MSET", "{user1}.name", "ann", "{user1}.age", "33"));
            Assert.Equal("[ann, 33]", raw.Execute("MGET", "{user1}.name", "{user1}.age"));
            Assert.Equal(":11058", raw.Execute("CLUSTER", "KEYSLOT", "somekey"));
            Assert.Equal("+OK", raw.Execute("MULTI"));
            Assert.Equal("+QUEUED", raw.Execute("INCR", "{user1}.visits"));
            Assert.Equal("+QUEUED", raw.Execute("SET", "{user1}.name", "bob"));
            Assert.Equal("[:1, +OK]", raw.Execute("EXEC"));
            Assert.Equal("bob", (string?)await nodes[2].Database.StringGetAsync("{user1}.name"));
            Assert.Equal("+OK", raw.Execute("MULTI"));
            raw.Execute("SET", "x", "1");
            raw.Execute("SET", "y", "2");
            Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot", raw.Execute("EXEC"));
            Assert.Equal("-ERR SELECT is not allowed in cluster mode", raw.Execute("SELECT", "1"));
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task AKilledNodeThatRestartsEmptyHasEveryAcknowledgedWriteAfterRepair()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        var acknowledged = new Dictionary<string, string>();
        var watch = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < 150; i++)
            {
                await nodes[i % 3].Database.StringSetAsync($"k:{i}", $"v:{i}");
                acknowledged[$"k:{i}"] = $"v:{i}";
            }
            for (int i = 0; i < 100; i++)
            {
                // Keys not written again while the node is down: only anti-entropy (not hints) can bring them back.
                await nodes[i % 3].Database.StringSetAsync($"old:{i}", $"o:{i}");
                acknowledged[$"old:{i}"] = $"o:{i}";
            }
            await nodes[2].CrashAsync();
            var survivors = nodes.Take(2).ToList();
            int refused = 0;
            for (int i = 0; i < 300; i++)
            {
                string key = $"k:{i}";
                try
                {
                    // Writes continue while the failure detector has not yet noticed (they may time out) and after.
                    await survivors[i % 2].Database.StringSetAsync(key, $"w:{i}");
                    acknowledged[key] = $"w:{i}";
                }
                catch (RedisServerException)
                {
                    refused++;
                    acknowledged.Remove(key, out _); // outcome unknown: either value may win
                }
            }
            output.WriteLine($"writes while a node was down: {300 - refused} acknowledged, {refused} errors");
            Assert.True(refused < 30, "W=2 of N=3 keeps accepting writes with one node down");
            await using var restarted = new ClusterTestNode("node-3", nodes[0].PeerAddress);
            nodes[2] = restarted;
            await ClusterTestNode.WaitUntilAsync(async () =>
                await nodes[0].Cluster.QueryAsync(n => n.LivenessOf("node-3") == Cairn.Replication.Membership.Liveness.Alive)
                && await restarted.Cluster.QueryAsync(n => n.LivenessOf("node-1") == Cairn.Replication.Membership.Liveness.Alive
                    && n.LivenessOf("node-2") == Cairn.Replication.Membership.Liveness.Alive), "the restarted node rejoins");
            using (var raw = restarted.Raw())
            {
                string report = raw.Execute("CLUSTER", "REPAIR");
                output.WriteLine("CLUSTER REPAIR on the restarted node: " + report.Replace("\r\n", " "));
            }
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(acknowledged.All(kv => nodes.All(n => n.LocalValue(kv.Key) == kv.Value))),
                "every acknowledged write is on every replica", seconds: 20);
            foreach ((string key, string value) in acknowledged)
            {
                Assert.Equal(value, (string?)await restarted.Database.StringGetAsync(key));
            }
            output.WriteLine($"{acknowledged.Count} acknowledged writes on every replica after {watch.ElapsedMilliseconds} ms");
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes.Take(2));
        }
    }

    [Fact]
    public async Task APartitionedMinorityRefusesWritesAndConvergesAfterHealing()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3, c => c.ClusterPolicies = "solo:*:3:1:1");
        try
        {
            ClusterTestNode minority = nodes[2];
            minority.Isolate(nodes.Take(2), isolated: true);
            await ClusterTestNode.WaitUntilAsync(async () =>
                await minority.Cluster.QueryAsync(n => n.LivenessOf("node-1") == Cairn.Replication.Membership.Liveness.Down
                    && n.LivenessOf("node-2") == Cairn.Replication.Membership.Liveness.Down)
                && await nodes[0].Cluster.QueryAsync(n => n.LivenessOf("node-3") == Cairn.Replication.Membership.Liveness.Down),
                "both sides see the partition");
            for (int i = 0; i < 50; i++)
            {
                Assert.True(await nodes[i % 2].Database.StringSetAsync($"p:{i}", $"majority:{i}"));
            }
            using (var raw = minority.Raw())
            {
                long errorsBefore = ErrorReplies(raw);
                string refused = raw.Execute("SET", "p:0", "minority");
                Assert.StartsWith("-NOQUORUM not enough replicas reachable for this key: need 2 of 3, 1 reachable", refused);
                Assert.StartsWith("-NOQUORUM", raw.Execute("GET", "p:1")); // R = 2 cannot be met either
                // A routed refusal is counted once, when the node answers it (under the store lock), not when its reply
                // is written after the lock is released.
                Assert.Equal(errorsBefore + 2, ErrorReplies(raw));
                Assert.Equal("+OK", raw.Execute("CLUSTER", "CONSISTENCY", "ONE"));
                Assert.Equal("(nil)", raw.Execute("GET", "p:1")); // ONE is served by the minority's own (stale) replica
                Assert.Equal("+ONE", raw.Execute("CLUSTER", "CONSISTENCY"));
                Assert.Equal("+OK", raw.Execute("CLUSTER", "CONSISTENCY", "DEFAULT"));
                Assert.Equal("+OK", raw.Execute("SET", "solo:1", "minority")); // the key policy asks for W = 1
            }
            Assert.Null(minority.LocalValue("p:0"));
            minority.Isolate(nodes.Take(2), isolated: false);
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, 50).All(i => minority.LocalValue($"p:{i}") == $"majority:{i}")),
                "the minority converges through hinted handoff and anti-entropy", seconds: 20);
            Assert.Equal("majority:0", (string?)await minority.Database.StringGetAsync("p:0"));
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(nodes.All(n => n.LocalValue("solo:1") == "minority")),
                "the minority's W=1 write reaches the others after healing");
            long hintsReplayed = await nodes[0].Cluster.QueryAsync(n => n.Stats.HintsReplayed)
                + await nodes[1].Cluster.QueryAsync(n => n.Stats.HintsReplayed);
            output.WriteLine($"hints replayed after healing: {hintsReplayed}");
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task AdminCommandsDescribeNodesPartitionsAndCounters()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            await nodes[0].Database.StringSetAsync("admin:key", "v");
            using var raw = nodes[0].Raw();
            string info = raw.Execute("CLUSTER", "INFO");
            Assert.Contains("cluster_state:ok", info);
            Assert.Contains("cluster_nodes_alive:3", info);
            Assert.Contains("cluster_writes_coordinated:1", info);
            string[] lines = raw.Execute("CLUSTER", "NODES").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.Contains(lines, l => l.StartsWith("node-1 ", StringComparison.Ordinal) && l.Contains("myself,alive"));
            Assert.Equal(64, raw.Execute("CLUSTER", "PARTITIONS").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.StartsWith("5 slots=1280-1535 keys=", raw.Execute("CLUSTER", "PARTITIONS", "5"));
            Assert.Equal("\"node-1\"", "\"" + raw.Execute("CLUSTER", "MYID") + "\"");
            string keyPartition = raw.Execute("CLUSTER", "KEYPARTITION", "admin:key");
            Assert.Equal(5, keyPartition.Split(", ").Length); // slot, partition, three replicas
            string infoSection = raw.Execute("INFO", "cluster");
            Assert.Contains("cluster_enabled:0", infoSection); // plain clients must not switch to Redis Cluster routing
            Assert.Contains("cairn_cluster_enabled:1", infoSection);
            Assert.Contains("cluster_peer_messages_sent:", infoSection);
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
        await using var standalone = new Infrastructure.TestServer();
        using var client = standalone.Raw();
        Assert.Equal("-ERR This instance has cluster support disabled", client.Execute("CLUSTER", "INFO"));
        Assert.Contains("cluster_enabled:0", client.Execute("INFO", "cluster"));
    }

    [Fact]
    public async Task ANodeWithoutTheSecretCannotJoin()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(2);
        await using var intruder = new ClusterTestNode("intruder", nodes[0].PeerAddress, secret: "wrong");
        try
        {
            await Task.Delay(800);
            Assert.Null(await nodes[0].Cluster.QueryAsync(n => n.Members.Find("intruder")));
            Assert.Equal(1, await intruder.Cluster.QueryAsync(n => n.Members.Count));
            Assert.Null(await intruder.Cluster.Transport.IdentifyAsync(nodes[0].PeerAddress, CancellationToken.None));
            Assert.Equal("node-1", await nodes[1].Cluster.Transport.IdentifyAsync(nodes[0].PeerAddress, CancellationToken.None));
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task PublishOnOneNodeReachesSubscribersOnEveryNode()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            var received = new System.Collections.Concurrent.ConcurrentBag<string>();
            var subscribers = new List<ConnectionMultiplexer>();
            foreach (ClusterTestNode node in nodes.Skip(1))
            {
                var mux = ConnectionMultiplexer.Connect($"127.0.0.1:{node.Port},protocol=resp2");
                subscribers.Add(mux);
                await mux.GetSubscriber().SubscribeAsync(RedisChannel.Literal("news"), (_, m) => received.Add($"{node.NodeId}:{m}"));
                await mux.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("new*"), (_, m) => received.Add($"{node.NodeId}:pattern:{m}"));
            }
            // Channels are placed by hashing: wait until the channel's home has heard of both subscribers' nodes.
            byte[] news = System.Text.Encoding.UTF8.GetBytes("news");
            string home = (await nodes[0].Cluster.QueryAsync(n => Cairn.Replication.Keyspace.KeyspaceOwners.OwnerOf(n.Map.Replicas(n.Layout.PartitionOfKey(news)), n.LivenessOf)))!;
            ClusterTestNode homeNode = nodes.Single(n => n.NodeId == home);
            await ClusterTestNode.WaitUntilAsync(async () => await homeNode.Cluster.QueryAsync(_ =>
                nodes.Skip(1).All(n => n == homeNode || (homeNode.Cluster.Channels.KnowsSubscribers(n.NodeId, news) && homeNode.Cluster.Channels.KnowsPatterns(n.NodeId)))),
                "the channel's home knows every subscriber");
            await nodes[0].Database.PublishAsync(RedisChannel.Literal("news"), "hello");
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(received.Count >= 4), "every subscriber got the message");
            Assert.Equal(["node-2:hello", "node-2:pattern:hello", "node-3:hello", "node-3:pattern:hello"], received.Order());
            foreach (var mux in subscribers)
            {
                mux.Dispose();
            }
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task AFourthNodeTakesItsShareOfPartitionsWithoutLosingKeysWhileReadsStayCorrectAndGivesThemBackWhenItLeaves()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            var values = new Dictionary<string, string>();
            for (int i = 0; i < 300; i++)
            {
                await nodes[i % 3].Database.StringSetAsync($"j:{i}", $"v:{i}");
                values[$"j:{i}"] = $"v:{i}";
            }
            var watch = Stopwatch.StartNew();
            nodes.Add(new ClusterTestNode("node-4", nodes[0].PeerAddress));
            // Reads and writes during the move: every read returns the latest acknowledged value.
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < 300; i += 3)
                {
                    ClusterTestNode via = nodes[(i + round) % 4];
                    Assert.Equal(values[$"j:{i}"], (string?)await via.Database.StringGetAsync($"j:{i}"));
                    if (i % 2 == 0)
                    {
                        await via.Database.StringSetAsync($"j:{i}", $"r{round}:{i}");
                        values[$"j:{i}"] = $"r{round}:{i}";
                    }
                }
            }
            await ClusterTestNode.WaitUntilAsync(async () =>
            {
                foreach (ClusterTestNode node in nodes)
                {
                    if (await node.Cluster.QueryAsync(n => n.Map.Nodes.Count) != 4)
                    {
                        return false;
                    }
                }
                return true;
            }, "every node places partitions on 4 nodes");
            int gained = await nodes[0].Cluster.QueryAsync(n => Enumerable.Range(0, n.Layout.PartitionCount).Count(p => n.Map.IsReplica(p, "node-4")));
            output.WriteLine($"node-4 replicates {gained} of 64 partitions (fair share 48)");
            Assert.InRange(gained, 30, 64);
            await ClusterTestNode.WaitUntilAsync(async () =>
            {
                foreach ((string key, string value) in values)
                {
                    IReadOnlyList<string> replicas = await nodes[0].Cluster.QueryAsync(n => n.Map.ReplicasOfKey(System.Text.Encoding.UTF8.GetBytes(key)));
                    if (!replicas.All(r => nodes.Single(n => n.NodeId == r).LocalValue(key) == value))
                    {
                        return false;
                    }
                }
                return true;
            }, "every key is on each of its new replicas", seconds: 20);
            output.WriteLine($"join settled in {watch.ElapsedMilliseconds} ms; node-4 holds {nodes[3].Context.Store[0].Count} keys; peer bytes received by node-4: {nodes[3].Cluster.Transport.BytesReceived}");
            foreach ((string key, string value) in values)
            {
                Assert.Equal(value, (string?)await nodes[3].Database.StringGetAsync(key));
            }

            // Decommission it again: its partitions go back to the other three, nothing is lost.
            using (var raw = nodes[3].Raw())
            {
                Assert.Equal("+OK", raw.Execute("CLUSTER", "LEAVE"));
            }
            await ClusterTestNode.WaitUntilAsync(async () =>
            {
                foreach (ClusterTestNode node in nodes.Take(3))
                {
                    if (await node.Cluster.QueryAsync(n => n.Map.Nodes.Count) != 3)
                    {
                        return false;
                    }
                }
                return true;
            }, "the others stop placing partitions on the node that left");
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(values.All(kv => nodes.Take(3).All(n => n.LocalValue(kv.Key) == kv.Value))),
                "every key is back on all three remaining nodes", seconds: 20);
            Assert.Contains("left", (string?)await nodes[0].Database.ExecuteAsync("CLUSTER", "NODES") ?? "");
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    private static long ErrorReplies(Infrastructure.RawClient raw)
    {
        string line = raw.Execute("INFO", "stats").Split('\n').Single(l => l.StartsWith("total_error_replies:", StringComparison.Ordinal));
        return long.Parse(line["total_error_replies:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
