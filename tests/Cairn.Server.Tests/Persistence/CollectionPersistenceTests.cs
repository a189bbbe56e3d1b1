using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Persistence;

/// <summary>Every collection type and encoding survives a snapshot restart, an AOF restart and an AOF rewrite, large
/// values too (a snapshot writes those in pieces: LargeValueSnapshotTests).</summary>
public sealed class CollectionPersistenceTests
{
    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "cairn-coll-" + Guid.NewGuid().ToString("N"));

    private static void Populate(RawClient client)
    {
        client.Execute("RPUSH", "list-small", "a", "b", "c");
        for (int i = 0; i < 300; i++)
        {
            client.Execute("RPUSH", "list-big", new string('x', 40) + i);
            client.Execute("HSET", "hash-big", $"f{i}", $"v{i}");
            client.Execute("SADD", "set-int-big", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            client.Execute("SADD", "set-big", $"m{i}");
            client.Execute("ZADD", "zset-big", (i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), $"m{i}");
        }
        client.Execute("HSET", "hash-small", "f1", "v1", "f2", "v2");
        client.Execute("SADD", "set-int", "1", "2", "3");
        client.Execute("SADD", "set-small", "a", "b");
        client.Execute("ZADD", "zset-small", "1.5", "a", "-inf", "b", "inf", "c");
        client.Execute("SET", "string", "s");
        for (int batch = 0; batch < 24; batch++)
        {
            // Each a few times a snapshot's 256 KB piece.
            var list = new List<string> { "RPUSH", "list-large" };
            var hash = new List<string> { "HSET", "hash-large" };
            var set = new List<string> { "SADD", "set-large" };
            var zset = new List<string> { "ZADD", "zset-large" };
            for (int i = batch * 500; i < (batch + 1) * 500; i++)
            {
                list.Add($"element-{i:D6}-" + new string('l', 40));
                hash.AddRange([$"field-{i:D6}", $"value-{i}-" + new string('h', 30)]);
                set.Add($"member-{i:D6}-" + new string('s', 30));
                zset.AddRange([(i * 0.25 - 100).ToString(System.Globalization.CultureInfo.InvariantCulture), $"z-{i:D6}-" + new string('z', 30)]);
            }
            client.Execute([.. list]);
            client.Execute([.. hash]);
            client.Execute([.. set]);
            client.Execute([.. zset]);
        }
    }

    private static readonly string[][] s_probes =
    [
        ["LRANGE", "list-small", "0", "-1"], ["LRANGE", "list-big", "0", "-1"], ["OBJECT", "ENCODING", "list-big"],
        ["HGETALL", "hash-small"], ["HLEN", "hash-big"], ["HGET", "hash-big", "f299"], ["OBJECT", "ENCODING", "hash-big"],
        ["SMEMBERS", "set-int"], ["OBJECT", "ENCODING", "set-int"], ["SCARD", "set-int-big"], ["SISMEMBER", "set-big", "m7"],
        ["OBJECT", "ENCODING", "set-small"], ["OBJECT", "ENCODING", "set-big"],
        ["ZRANGE", "zset-small", "0", "-1", "WITHSCORES"], ["ZRANGE", "zset-big", "100", "110", "WITHSCORES"], ["OBJECT", "ENCODING", "zset-big"],
        ["GET", "string"], ["DBSIZE"],
        ["LRANGE", "list-large", "0", "-1"], ["HGETALL", "hash-large"], ["SMEMBERS", "set-large"],
        ["ZRANGE", "zset-large", "0", "-1", "WITHSCORES"],
    ];

    /// <summary>The probes' replies; a large hash's pairs and a large set's members sorted (a hash table's order is
    /// not kept).</summary>
    private static List<string> Probe(RawClient client) =>
        s_probes.Select(p => p[0] is "HGETALL" or "SMEMBERS" && p[1].EndsWith("-large", StringComparison.Ordinal) ? Sorted(client.Execute(p)) : client.Execute(p)).ToList();

    [Theory]
    [InlineData("snapshot")]
    [InlineData("aof")]
    [InlineData("aof-rewrite")]
    public async Task EveryTypeAndEncodingSurvivesARestart(string mode)
    {
        string dir = NewDirectory();
        bool aof = mode != "snapshot";
        try
        {
            List<string> before;
            await using (var server = new TestServer(c => { c.AppendOnly = aof; c.Save = ""; }, dir))
            {
                using RawClient client = server.Raw();
                Populate(client);
                before = Probe(client);
                if (mode == "snapshot")
                {
                    Assert.Equal("+OK", client.Execute("SAVE"));
                    Assert.True(LargeValueSnapshotTests.CountMoreItemsRecords(server.Context.Snapshots.Path) >= 4, "each large value takes more than one record");
                }
                else if (mode == "aof-rewrite")
                {
                    client.Execute("BGREWRITEAOF");
                    while (server.Aof!.RewriteInProgress)
                    {
                        await Task.Delay(10);
                    }
                    client.Execute("RPUSH", "list-small", "after-rewrite");
                    before = Probe(client);
                }
            }
            await using (var server = new TestServer(c => { c.AppendOnly = aof; c.Save = ""; }, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal(before, Probe(client));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Sorted(string members) =>
        string.Join(",", members.Trim('[', ']').Split(", ").OrderBy(m => m, StringComparer.Ordinal));

    [Fact]
    public async Task SpopIsReplayedAsTheMembersItRemoved()
    {
        string dir = NewDirectory();
        try
        {
            string remaining;
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.Save = ""; }, dir))
            {
                using RawClient client = server.Raw();
                for (int i = 0; i < 200; i++)
                {
                    client.Execute("SADD", "s", $"m{i}");
                }
                client.Execute("SPOP", "s");
                client.Execute("SPOP", "s", "10");
                client.Execute("SPOP", "s", "150");
                remaining = Sorted(client.Execute("SMEMBERS", "s"));
            }
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.Save = ""; }, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal(":39", client.Execute("SCARD", "s"));
                Assert.Equal(remaining, Sorted(client.Execute("SMEMBERS", "s")));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
