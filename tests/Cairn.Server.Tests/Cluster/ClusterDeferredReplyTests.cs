using System.Diagnostics;
using System.Text;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Cluster;

/// <summary>
/// Routed requests whose reply is deferred (the connection stops its batch at the routed request and resumes when the
/// answer is written, without the blocking machinery): order within a pipeline, timeouts, a client that goes away or is
/// killed while its request is in flight, CLIENT REPLY SKIP and RESP3. Peers are cut off with the transport's fault
/// injection; the failure detector is slowed so that a cut-off request times out rather than being refused NOQUORUM.
/// </summary>
public sealed class ClusterDeferredReplyTests
{
    private const int RequestTimeoutMilliseconds = 1500;

    private static Task<List<ClusterTestNode>> StartAsync() => ClusterTestNode.StartClusterAsync(3, c =>
    {
        c.ClusterRequestTimeoutMilliseconds = RequestTimeoutMilliseconds;
        c.ClusterSuspectAfterMilliseconds = 20_000;
        c.ClusterDownAfterMilliseconds = 40_000;
    });

    [Fact]
    public async Task RoutedLocalAndRefusedRequestsInOnePipelineAreAnsweredInRequestOrder()
    {
        List<ClusterTestNode> nodes = await StartAsync();
        try
        {
            using RawClient raw = nodes[0].Raw();
            for (int round = 0; round < 5; round++)
            {
                var batch = new StringBuilder();
                batch.Append(RawClient.Encode("SET", $"order:{round}", $"v{round}")) // routed write
                    .Append(RawClient.Encode("PING")) // local
                    .Append(RawClient.Encode("GET", $"order:{round}")) // routed read
                    .Append(RawClient.Encode("MGET", "{a}1", "{b}2")) // refused at once
                    .Append(RawClient.Encode("ECHO", "e")) // local
                    .Append(RawClient.Encode("MULTI"))
                    .Append(RawClient.Encode("INCR", $"{{order}}:{round}"))
                    .Append(RawClient.Encode("GET", $"{{order}}:{round}"))
                    .Append(RawClient.Encode("EXEC")) // routed transaction
                    .Append(RawClient.Encode("GET", $"order:missing:{round}"))
                    .Append(RawClient.Encode("CLUSTER", "KEYSLOT", "foo")); // local admin
                raw.Send(batch.ToString());
                Assert.Equal("+OK", raw.ReadReply());
                Assert.Equal("+PONG", raw.ReadReply());
                Assert.Equal($"v{round}", raw.ReadReply());
                Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot", raw.ReadReply());
                Assert.Equal("e", raw.ReadReply());
                Assert.Equal("+OK", raw.ReadReply());
                Assert.Equal("+QUEUED", raw.ReadReply());
                Assert.Equal("+QUEUED", raw.ReadReply());
                Assert.Equal("[:1, 1]", raw.ReadReply());
                Assert.Equal("(nil)", raw.ReadReply());
                Assert.Equal(":12182", raw.ReadReply());
            }
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task RoutedRepliesFollowTheClientsProtocolAndReplyMode()
    {
        List<ClusterTestNode> nodes = await StartAsync();
        try
        {
            using RawClient raw = nodes[1].Raw();
            Assert.Equal(":1", raw.Execute("HSET", "proto:h", "f", "v"));
            raw.Send(RawClient.Encode("HELLO", "3") + RawClient.Encode("HGETALL", "proto:h") + RawClient.Encode("GET", "proto:none") + RawClient.Encode("PING"));
            Assert.StartsWith("{server: redis", raw.ReadReply());
            Assert.Equal("{f: v}", raw.ReadReply()); // a RESP3 map, built by the replica that ran it
            Assert.Equal("(nil)", raw.ReadReply());
            Assert.Equal("+PONG", raw.ReadReply());
            // CLIENT REPLY SKIP: the routed command's reply is dropped like a local one; the next is answered.
            raw.Send(RawClient.Encode("CLIENT", "REPLY", "SKIP") + RawClient.Encode("SET", "proto:skip", "x") + RawClient.Encode("GET", "proto:skip"));
            Assert.Equal("x", raw.ReadReply());
            raw.Send(RawClient.Encode("CLIENT", "REPLY", "OFF") + RawClient.Encode("SET", "proto:off", "y") + RawClient.Encode("CLIENT", "REPLY", "ON") + RawClient.Encode("GET", "proto:off"));
            Assert.Equal("+OK", raw.ReadReply());
            Assert.Equal("y", raw.ReadReply());
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task ARoutedRequestThatTimesOutIsAnsweredAndTheRequestsBehindItRunAfterIt()
    {
        List<ClusterTestNode> nodes = await StartAsync();
        try
        {
            using RawClient raw = nodes[0].Raw();
            Assert.Equal("+OK", raw.Execute("SET", "late:1", "before"));
            nodes[0].Isolate(nodes.Skip(1), isolated: true);
            var clock = Stopwatch.StartNew();
            raw.Send(RawClient.Encode("GET", "late:1") + RawClient.Encode("PING") + RawClient.Encode("SET", "late:2", "x") + RawClient.Encode("ECHO", "after"));
            Assert.Equal("-TIMEOUT read did not get 2 replies in time", raw.ReadReply());
            Assert.InRange(clock.ElapsedMilliseconds, RequestTimeoutMilliseconds / 2, 10 * RequestTimeoutMilliseconds);
            Assert.Equal("+PONG", raw.ReadReply());
            Assert.StartsWith("-TIMEOUT", raw.ReadReply());
            Assert.Equal("after", raw.ReadReply());
            nodes[0].Isolate(nodes.Skip(1), isolated: false);
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(raw.Execute("GET", "late:1") == "before"), "the node answers again");
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task AClientThatDisconnectsWithARoutedRequestInFlightIsForgottenAndOthersAreServed()
    {
        List<ClusterTestNode> nodes = await StartAsync();
        try
        {
            using RawClient observer = nodes[0].Raw();
            long connected = ConnectedClients(observer);
            nodes[0].Isolate(nodes.Skip(1), isolated: true);
            using (RawClient leaving = nodes[0].Raw())
            {
                leaving.Send(RawClient.Encode("SET", "gone:1", "v") + RawClient.Encode("GET", "gone:1"));
                await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(ConnectedClients(observer) == connected + 1), "the client is connected");
            }
            nodes[0].Isolate(nodes.Skip(1), isolated: false);
            // Its request completes (answered or timed out) into a closed socket; the connection then goes away.
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(ConnectedClients(observer) == connected), "the client's connection is gone",
                seconds: 4 * RequestTimeoutMilliseconds / 1000.0 + 5);
            using RawClient next = nodes[0].Raw();
            Assert.Equal("+OK", next.Execute("SET", "gone:2", "w"));
            Assert.Equal("w", next.Execute("GET", "gone:2"));
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task ClientKillClosesAClientWhoseRoutedRequestIsInFlightAtOnce()
    {
        List<ClusterTestNode> nodes = await StartAsync();
        try
        {
            using RawClient killer = nodes[0].Raw();
            using RawClient victim = nodes[0].Raw();
            string id = victim.Execute("CLIENT", "ID")[1..];
            nodes[0].Isolate(nodes.Skip(1), isolated: true);
            victim.Send(RawClient.Encode("GET", "kill:1") + RawClient.Encode("PING"));
            await Task.Delay(50);
            // In flight, it is not a blocked client: INFO does not count it and CLIENT UNBLOCK finds nothing to unblock.
            Assert.Contains("blocked_clients:0", killer.Execute("INFO", "clients"));
            Assert.Equal(":0", killer.Execute("CLIENT", "UNBLOCK", id));
            var clock = Stopwatch.StartNew();
            Assert.Equal(":1", killer.Execute("CLIENT", "KILL", "ID", id));
            Assert.True(victim.IsClosedByServer(5000));
            Assert.True(clock.ElapsedMilliseconds < RequestTimeoutMilliseconds, $"closed after {clock.ElapsedMilliseconds} ms");
            // The killed connection is gone before its request's timeout; its late answer finds nothing to write.
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(!killer.Execute("CLIENT", "LIST").Contains($"id={id} ")),
                "the killed client leaves CLIENT LIST", seconds: 1);
            await Task.Delay(RequestTimeoutMilliseconds + 200);
            nodes[0].Isolate(nodes.Skip(1), isolated: false);
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(killer.Execute("GET", "kill:1") == "(nil)"), "the node answers again");
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    private static long ConnectedClients(RawClient client)
    {
        string info = client.Execute("INFO", "clients");
        string line = info.Split('\n').First(l => l.StartsWith("connected_clients:", StringComparison.Ordinal));
        return long.Parse(line["connected_clients:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
