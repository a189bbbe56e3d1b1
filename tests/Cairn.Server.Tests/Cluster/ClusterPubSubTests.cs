using System.Collections.Concurrent;
using System.Text;
using Cairn.Replication.Keyspace;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Cluster;

/// <summary>Channels are placed by hashing: a PUBLISH reaches only the nodes with subscribers of the channel or with patterns.</summary>
public sealed class ClusterPubSubTests
{
    [Fact]
    public async Task PublishReachesOnlyNodesWithSubscribersOfTheChannelOrWithPatterns()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        var subscribers = new List<ConnectionMultiplexer>();
        try
        {
            byte[] channel = Encoding.UTF8.GetBytes("orders");
            string home = (await nodes[0].Cluster.QueryAsync(n => KeyspaceOwners.OwnerOf(n.Map.Replicas(n.Layout.PartitionOfKey(channel)), n.LivenessOf)))!;
            ClusterTestNode publisher = nodes.Single(n => n.NodeId == home); // so the only messages sent are the fan-out
            List<ClusterTestNode> others = nodes.Where(n => n != publisher).ToList();
            ClusterTestNode subscriberNode = others[0];
            ClusterTestNode quietNode = others[1];

            var received = new ConcurrentQueue<string>();
            var mux = ConnectionMultiplexer.Connect($"127.0.0.1:{subscriberNode.Port},protocol=resp2");
            subscribers.Add(mux);
            await mux.GetSubscriber().SubscribeAsync(RedisChannel.Literal("orders"), (_, m) => received.Enqueue($"channel:{m}"));
            await ClusterTestNode.WaitUntilAsync(async () =>
                await publisher.Cluster.QueryAsync(_ => publisher.Cluster.Channels.KnowsSubscribers(subscriberNode.NodeId, channel)),
                "the channel's home knows the subscriber's node");

            Assert.Equal(0, await publisher.Database.PublishAsync(RedisChannel.Literal("orders"), "one")); // local receivers only
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(received.Count == 1), "the subscriber got the message");
            await Task.Delay(200);
            Assert.Equal(0, await quietNode.Cluster.QueryAsync(_ => quietNode.Cluster.Channels.Received));
            Assert.Equal(1, await subscriberNode.Cluster.QueryAsync(_ => subscriberNode.Cluster.Channels.Received));

            // A pattern subscriber cannot be placed: its node receives every message from then on.
            var patternMux = ConnectionMultiplexer.Connect($"127.0.0.1:{quietNode.Port},protocol=resp2");
            subscribers.Add(patternMux);
            await patternMux.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("ord*"), (_, m) => received.Enqueue($"pattern:{m}"));
            await ClusterTestNode.WaitUntilAsync(async () =>
                await publisher.Cluster.QueryAsync(_ => publisher.Cluster.Channels.KnowsPatterns(quietNode.NodeId)),
                "the home knows the pattern subscriber's node");
            await nodes.First(n => n != publisher).Database.PublishAsync(RedisChannel.Literal("orders"), "two"); // via the home
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(received.Count == 3), "both subscribers got the second message");
            Assert.Equal(["channel:one", "channel:two", "pattern:two"], received.Order());

            // After unsubscribing, the node is no longer sent the channel's messages.
            await mux.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal("orders"));
            await ClusterTestNode.WaitUntilAsync(async () =>
                !await publisher.Cluster.QueryAsync(_ => publisher.Cluster.Channels.KnowsSubscribers(subscriberNode.NodeId, channel)),
                "the home forgets the unsubscribed node");
            long before = await subscriberNode.Cluster.QueryAsync(_ => subscriberNode.Cluster.Channels.Received);
            await publisher.Database.PublishAsync(RedisChannel.Literal("orders"), "three");
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(received.Count == 4), "the pattern subscriber got the third");
            await Task.Delay(200);
            Assert.Equal(before, await subscriberNode.Cluster.QueryAsync(_ => subscriberNode.Cluster.Channels.Received));
        }
        finally
        {
            foreach (ConnectionMultiplexer mux in subscribers)
            {
                mux.Dispose();
            }
            foreach (ClusterTestNode node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
