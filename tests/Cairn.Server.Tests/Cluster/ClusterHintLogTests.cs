using Cairn.Replication.Membership;

namespace Cairn.Server.Tests.Cluster;

/// <summary>Hints survive a restart of the node holding them (the durable hint log) and are replayed after it.</summary>
public sealed class ClusterHintLogTests
{
    [Fact]
    public async Task HintsHeldForADownReplicaSurviveARestartOfTheNodeHoldingThemAndAreReplayed()
    {
        // No background anti-entropy: only the hints can bring the writes to the isolated node.
        static void NoAntiEntropy(Cairn.Commands.Config.ServerConfig c) => c.ClusterAntiEntropyIntervalMilliseconds = 0;
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3, NoAntiEntropy);
        try
        {
            ClusterTestNode isolated = nodes[2];
            isolated.Isolate(nodes.Take(2), isolated: true);
            await ClusterTestNode.WaitUntilAsync(async () =>
                await nodes[0].Cluster.QueryAsync(n => n.LivenessOf("node-3") == Liveness.Down)
                && await nodes[1].Cluster.QueryAsync(n => n.LivenessOf("node-3") == Liveness.Down), "node-3 is down for the others");
            for (int i = 0; i < 40; i++)
            {
                Assert.True(await nodes[0].Database.StringSetAsync($"hint:{i}", $"v{i}"));
            }
            // node-1 holds the hints of the writes it was primary for (node-2 those it was primary for).
            List<string> hinted = await nodes[0].Cluster.QueryAsync(n => n.Hints.Peek("node-3", 1000).Select(h => System.Text.Encoding.UTF8.GetString(h.Key)).ToList());
            int held = hinted.Count;
            Assert.True(held > 0, "node-1 holds hints for node-3");
            string directory = nodes[0].DataDirectory;
            await nodes[0].CrashAsync();
            await nodes[1].CrashAsync(); // the other holder goes too: only node-1's log can deliver the writes

            var restarted = new ClusterTestNode("node-1", isolated.PeerAddress, configure: NoAntiEntropy, dataDirectory: directory);
            nodes[0] = restarted;
            Assert.Equal(held, await restarted.Cluster.QueryAsync(n => n.Hints.CountFor("node-3")));
            Assert.True(restarted.Cluster.HintLog!.RecordsLoaded >= held);
            isolated.Isolate(nodes.Take(2), isolated: false);
            Assert.All(hinted, key => Assert.Null(isolated.LocalValue(key)));
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(hinted.All(key => isolated.LocalValue(key) == "v" + key["hint:".Length..])),
                "the restarted node replays its hints to node-3", seconds: 15);
            await ClusterTestNode.WaitUntilAsync(async () => await restarted.Cluster.QueryAsync(n => n.Hints.Count) == 0,
                "acknowledged hints are removed");
        }
        finally
        {
            foreach (ClusterTestNode node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
