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
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task WatchesSurviveStrayExecAndDiscardAndReadOnlySourcesOfAWriteKeepTheirVersion()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            using var client = nodes[1].Raw();
            Assert.Equal("+OK", client.Execute("SET", "{w}src", "abc"));
            Assert.Equal("+OK", client.Execute("WATCH", "{w}src", "{w}gone"));
            // EXEC and DISCARD without MULTI answer their errors and keep the watches, as Redis's.
            Assert.Equal("-ERR EXEC without MULTI", client.Execute("EXEC"));
            Assert.Equal("-ERR DISCARD without MULTI", client.Execute("DISCARD"));
            Assert.Equal("+OK", client.Execute("SET", "{w}gone", "x"));
            Assert.Equal("+OK", client.Execute("MULTI"));
            Assert.Equal("+QUEUED", client.Execute("GET", "{w}src"));
            Assert.Equal("(nil array)", client.Execute("EXEC"));

            // BITOP reads {w}src and writes {w}dst: a watch on the source holds, one on the destination breaks.
            Assert.Equal("+OK", client.Execute("WATCH", "{w}src"));
            Assert.Equal(":3", client.Execute("BITOP", "OR", "{w}dst", "{w}src"));
            Assert.Equal("+OK", client.Execute("MULTI"));
            Assert.Equal("+QUEUED", client.Execute("GET", "{w}src"));
            Assert.Equal("[abc]", client.Execute("EXEC"));
            Assert.Equal("+OK", client.Execute("WATCH", "{w}dst"));
            Assert.Equal(":3", client.Execute("BITOP", "AND", "{w}dst", "{w}src"));
            Assert.Equal("+OK", client.Execute("MULTI"));
            Assert.Equal("+QUEUED", client.Execute("GET", "{w}dst"));
            Assert.Equal("(nil array)", client.Execute("EXEC"));

            // A flush inside MULTI would reach only the transaction's primary: refused.
            Assert.Equal("+OK", client.Execute("MULTI"));
            Assert.Equal("+QUEUED", client.Execute("FLUSHDB"));
            Assert.StartsWith("-ERR FLUSHDB inside MULTI is not supported in cluster mode", client.Execute("EXEC"), StringComparison.Ordinal);
            Assert.Equal("abc", client.Execute("GET", "{w}src"));
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task SortStoreAndStreamGroupWritesReachEveryReplica()
    {
        List<ClusterTestNode> nodes = await ClusterTestNode.StartClusterAsync(3);
        try
        {
            using var client = nodes[0].Raw();
            Assert.Equal(":2", client.Execute("RPUSH", "{s}list", "b", "a"));
            Assert.Equal(":2", client.Execute("SORT", "{s}list", "ALPHA", "STORE", "{s}sorted"));
            Assert.Equal("+OK", client.Execute("XGROUP", "CREATE", "{s}stream", "g", "0", "MKSTREAM"));
            Assert.Equal("1-1", client.Execute("XADD", "{s}stream", "1-1", "f", "v"));
            using (var other = nodes[2].Raw())
            {
                // XREADGROUP is a write (it moves the group's last ID and adds a pending entry): routed, not run locally.
                Assert.Equal("[[{s}stream, [[1-1, [f, v]]]]]", other.Execute("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "{s}stream", ">"));
            }
            await ClusterTestNode.WaitUntilAsync(() => Task.FromResult(nodes.All(n => n.LocalValue("{s}sorted") is not null)),
                "every replica holds SORT's destination");
            foreach (ClusterTestNode node in nodes)
            {
                using var reader = node.Raw();
                Assert.Equal("[a, b]", reader.Execute("LRANGE", "{s}sorted", "0", "-1"));
                Assert.Equal("[:1, 1-1, 1-1, [[alice, 1]]]", reader.Execute("XPENDING", "{s}stream", "g"));
            }
        }
        finally
        {
            await ClusterTestNode.DisposeAllAsync(nodes);
        }
    }
}
