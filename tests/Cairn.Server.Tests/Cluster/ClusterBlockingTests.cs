using System.Diagnostics;

namespace Cairn.Server.Tests.Cluster;

/// <summary>
/// Blocking commands block in cluster mode: the client is parked on the node it talks to, the key's primary wakes it when
/// the key changes (well before the 5 s safety retry of the test timings), each element goes to exactly one client, and
/// the pop is replicated before the reply.
/// </summary>
public sealed class ClusterBlockingTests
{
    [Fact]
    public async Task BlockedClientsOnDifferentNodesAreServedByPushesOnAnotherNodeEachElementOnce()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            using var first = nodes[0].Raw();
            using var second = nodes[1].Raw();
            var watch = Stopwatch.StartNew();
            Task<string> firstPop = Task.Run(() => first.Execute("BLPOP", "queue", "10"));
            Task<string> secondPop = Task.Run(() => second.Execute("BRPOP", "queue", "10"));
            await Task.Delay(300);
            Assert.False(firstPop.IsCompleted || secondPop.IsCompleted, "both clients block on the empty list");

            using (var pusher = nodes[2].Raw())
            {
                Assert.Equal(":1", pusher.Execute("LPUSH", "queue", "a"));
                string winner = await await Task.WhenAny(firstPop, secondPop).WaitAsync(TimeSpan.FromSeconds(3));
                Assert.Equal("[queue, a]", winner);
                await Task.Delay(300);
                Assert.False(firstPop.IsCompleted && secondPop.IsCompleted, "one element serves one client");
                Assert.Equal(":1", pusher.Execute("RPUSH", "queue", "b"));
            }
            string[] replies = await Task.WhenAll(firstPop, secondPop).WaitAsync(TimeSpan.FromSeconds(3));
            Assert.Equal(["[queue, a]", "[queue, b]"], replies.Order());
            Assert.True(watch.ElapsedMilliseconds < 4000, $"woken by the key's primary, not the safety retry ({watch.ElapsedMilliseconds} ms)");
            // The pops were replicated: no replica still holds the list.
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(nodes.All(n => n.Context.Store[0].Count == 0)),
                "every replica saw the pops", seconds: 5);
            foreach (ClusterTestNode node in nodes)
            {
                Assert.Equal(0, await node.Cluster.QueryAsync(n => n.Watches.Count)); // served commands leave no watch behind
            }
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task BlockingCommandsTimeOutWithTheirOwnNullReplyAndXreadDollarSeesOnlyNewEntries()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            using var raw = nodes[0].Raw();
            var watch = Stopwatch.StartNew();
            Assert.Equal("(nil array)", raw.Execute("BLPOP", "empty", "0.3"));
            Assert.InRange(watch.ElapsedMilliseconds, 250, 3000);
            watch.Restart();
            Assert.Equal("(nil array)", raw.Execute("BLMOVE", "{m}src", "{m}dst", "LEFT", "RIGHT", "0.2")); // as Redis: *-1
            Assert.InRange(watch.ElapsedMilliseconds, 150, 3000);
            Assert.Equal("-ERR timeout is negative", raw.Execute("BLPOP", "empty", "-1"));
            Assert.Equal("+OK", raw.Execute("MULTI"));
            Assert.Equal("+QUEUED", raw.Execute("BLPOP", "empty", "0"));
            Assert.Equal("[(nil array)]", raw.Execute("EXEC")); // never blocks inside a transaction

            using (var writer = nodes[1].Raw())
            {
                writer.Execute("XADD", "events", "1-1", "f", "old");
                Task<string> read = Task.Run(() => raw.Execute("XREAD", "BLOCK", "5000", "STREAMS", "events", "$"));
                await Task.Delay(300);
                Assert.False(read.IsCompleted, "XREAD $ waits for an entry newer than the last one");
                writer.Execute("XADD", "events", "2-1", "f", "new");
                string reply = await read.WaitAsync(TimeSpan.FromSeconds(3));
                Assert.Contains("2-1", reply);
                Assert.DoesNotContain("1-1", reply);

                Task<string> zpop = Task.Run(() => raw.Execute("BZPOPMIN", "zs", "5"));
                await Task.Delay(200);
                Assert.Equal(":1", writer.Execute("ZADD", "zs", "1", "m"));
                Assert.Equal("[zs, m, 1]", await zpop.WaitAsync(TimeSpan.FromSeconds(3)));
            }
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }
}
