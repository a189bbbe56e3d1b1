using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Search;

/// <summary>Documents and index definitions (with aliases) survive restarts from the AOF, from a SAVE snapshot and from
/// a rewritten AOF (snapshot base + incremental file).</summary>
public sealed class DocumentPersistenceTests
{
    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "cairn-docs-" + Guid.NewGuid().ToString("N"));

    private static void Populate(RawClient client)
    {
        client.Execute("SELECT", "3");
        Assert.Equal("+OK", client.Execute("JSON.SET", "user:1", "$", """{"name":"Ann","city":"Paris","tags":["a","b"],"n":1}"""));
        Assert.Equal("+OK", client.Execute("JSON.SET", "user:2", "$", """{"name":"Bob","city":"Rome","tags":["b"],"n":2}"""));
        Assert.Equal("+OK", client.Execute("FT.CREATE", "users", "ON", "JSON", "PREFIX", "1", "user:", "SCHEMA",
            "$.city", "AS", "city", "TAG", "$.tags[*]", "AS", "tags", "TAG", "$.n", "AS", "n", "NUMERIC", "SORTABLE"));
        Assert.Equal("+OK", client.Execute("FT.ALIASADD", "people", "users"));
        Assert.Equal("+OK", client.Execute("FT.CREATE", "dropped", "ON", "JSON", "SCHEMA", "$.n", "AS", "n", "NUMERIC"));
        Assert.Equal("+OK", client.Execute("FT.DROPINDEX", "dropped"));
        Assert.Equal("[1.5]", client.Execute("JSON.NUMINCRBY", "user:1", "$.n", "0.5"));
        Assert.Equal("[:3]", client.Execute("JSON.ARRAPPEND", "user:1", "$.tags", "\"c\""));
        Assert.Equal("+OK", client.Execute("JSON.SET", "user:3", "$", """{"name":"Cid","city":"Paris","tags":["c"],"n":3}"""));
        Assert.Equal(":1", client.Execute("DEL", "user:2"));
    }

    private static readonly string[][] s_probes =
    [
        ["FT._LIST"], ["FT.SEARCH", "people", "@city:{Paris}", "NOCONTENT", "SORTBY", "n"], ["FT.SEARCH", "users", "@tags:{c}", "NOCONTENT", "SORTBY", "n"],
        ["FT.SEARCH", "users", "@tags:{b}", "NOCONTENT"], ["JSON.GET", "user:1"], ["JSON.GET", "user:3", "$.n"], ["TYPE", "user:1"], ["DBSIZE"],
    ];

    private static List<string> Probe(RawClient client)
    {
        client.Execute("SELECT", "3");
        return s_probes.Select(p => client.Execute(p)).ToList();
    }

    [Theory]
    [InlineData("snapshot")]
    [InlineData("aof")]
    [InlineData("aof-rewrite")]
    public async Task DocumentsAndIndexDefinitionsSurviveARestart(string mode)
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
                if (mode == "snapshot")
                {
                    Assert.Equal("+OK", client.Execute("SAVE"));
                }
                else if (mode == "aof-rewrite")
                {
                    client.Execute("BGREWRITEAOF");
                    while (server.Aof!.RewriteInProgress)
                    {
                        await Task.Delay(10);
                    }
                    Assert.Equal("+OK", client.Execute("JSON.SET", "user:4", "$", """{"name":"Dee","city":"Paris","tags":["c"],"n":4}"""));
                    Assert.Equal("+OK", client.Execute("FT.CREATE", "after", "ON", "JSON", "PREFIX", "1", "user:", "SCHEMA", "$.n", "AS", "n", "NUMERIC"));
                }
                before = Probe(client);
                Assert.Contains("user:1", before[1]);
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
}
