namespace Cairn.Server.Tests.Cluster;

/// <summary>WATCH works across nodes: a write through any node after the WATCH aborts the EXEC, as on one Redis server.</summary>
public sealed class ClusterWatchTests
{
    [Fact]
    public async Task AWatchedKeyChangedThroughAnotherNodeAbortsTheTransactionAndAnUnchangedOneCommits()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            using var watcher = nodes[0].Raw();
            using var other = nodes[1].Raw();
            Assert.Equal("+OK", watcher.Execute("SET", "w:1", "0"));

            Assert.Equal("+OK", watcher.Execute("WATCH", "w:1"));
            Assert.Equal("+OK", other.Execute("SET", "w:1", "theirs"));
            Assert.Equal("+OK", watcher.Execute("MULTI"));
            Assert.Equal("+QUEUED", watcher.Execute("SET", "w:1", "mine"));
            Assert.Equal("(nil array)", watcher.Execute("EXEC"));
            Assert.Equal("theirs", other.Execute("GET", "w:1"));

            // Unchanged: the transaction runs (the EXEC also forgot the earlier WATCH).
            Assert.Equal("+OK", watcher.Execute("WATCH", "w:1"));
            Assert.Equal("+OK", watcher.Execute("MULTI"));
            Assert.Equal("+QUEUED", watcher.Execute("APPEND", "w:1", "!"));
            Assert.Equal("[:7]", watcher.Execute("EXEC"));

            // A key that did not exist when watched, created through another node.
            Assert.Equal("+OK", watcher.Execute("WATCH", "w:new"));
            Assert.Equal("+OK", other.Execute("SET", "w:new", "x"));
            Assert.Equal("+OK", watcher.Execute("MULTI"));
            Assert.Equal("+QUEUED", watcher.Execute("GET", "w:new"));
            Assert.Equal("(nil array)", watcher.Execute("EXEC"));

            // UNWATCH forgets.
            Assert.Equal("+OK", watcher.Execute("WATCH", "w:1"));
            Assert.Equal("+OK", other.Execute("SET", "w:1", "again"));
            Assert.Equal("+OK", watcher.Execute("UNWATCH"));
            Assert.Equal("+OK", watcher.Execute("MULTI"));
            Assert.Equal("+QUEUED", watcher.Execute("GET", "w:1"));
            Assert.Equal("[again]", watcher.Execute("EXEC"));

            Assert.Equal("+OK", watcher.Execute("MULTI"));
            Assert.Equal("-ERR WATCH inside MULTI is not allowed", watcher.Execute("WATCH", "w:1"));
            Assert.Equal("+OK", watcher.Execute("DISCARD"));

            // Watched keys share a slot with each other and with the transaction.
            Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot", watcher.Execute("WATCH", "a", "b"));
            Assert.Equal("+OK", watcher.Execute("WATCH", "{t}a"));
            Assert.Equal("+OK", watcher.Execute("MULTI"));
            Assert.Equal("+QUEUED", watcher.Execute("SET", "elsewhere", "1"));
            Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot", watcher.Execute("EXEC"));
            Assert.Equal("+OK", watcher.Execute("MULTI"));
            Assert.Equal("+QUEUED", watcher.Execute("SET", "{t}b", "1"));
            Assert.Equal("[+OK]", watcher.Execute("EXEC")); // the CROSSSLOT EXEC ended the earlier WATCH
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
