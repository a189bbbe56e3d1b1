using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.TimeSeries;

/// <summary>Series, labels and rules survive SAVE, AOF replay and BGREWRITEAOF; '*' writes replay to the same samples.</summary>
public sealed class TimeSeriesPersistenceTests
{
    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "cairn-ts-" + Guid.NewGuid().ToString("N"));

    private static void Populate(RawClient client)
    {
        client.Execute("TS.CREATE", "p:raw", "RETENTION", "0", "LABELS", "metric", "cpu", "host", "a");
        client.Execute("TS.CREATE", "p:avg", "LABELS", "metric", "cpu", "host", "a", "agg", "avg");
        client.Execute("TS.CREATERULE", "p:raw", "p:avg", "AGGREGATION", "avg", "1000");
        for (int i = 0; i < 5000; i++)
        {
            client.Execute("TS.ADD", "p:raw", (i * 100).ToString(System.Globalization.CultureInfo.InvariantCulture), (i % 97 * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        client.Execute("TS.ADD", "p:star", "*", "42", "LABELS", "metric", "mem");
        client.Execute("TS.INCRBY", "p:counter", "3", "LABELS", "metric", "requests");
        client.Execute("TS.INCRBY", "p:counter", "4");
        client.Execute("TS.ADD", "p:uncompressed", "1", "1", "ENCODING", "UNCOMPRESSED");
    }

    private static readonly string[][] s_probes =
    [
        ["TS.RANGE", "p:raw", "-", "+", "AGGREGATION", "max", "50000"], ["TS.RANGE", "p:avg", "-", "+", "COUNT", "20"],
        ["TS.GET", "p:raw"], ["TS.GET", "p:star"], ["TS.GET", "p:counter"], ["TS.RANGE", "p:counter", "-", "+"],
        ["TS.QUERYINDEX", "metric=cpu"], ["TS.QUERYINDEX", "metric=(mem,requests)"],
        ["TS.MGET", "WITHLABELS", "FILTER", "metric=cpu"], ["OBJECT", "ENCODING", "p:uncompressed"], ["TYPE", "p:raw"], ["DBSIZE"],
    ];

    private static List<string> Probe(RawClient client) => s_probes.Select(p => client.Execute(p)).ToList();

    [Theory]
    [InlineData("snapshot")]
    [InlineData("aof")]
    [InlineData("aof-rewrite")]
    public async Task SeriesSurviveARestart(string mode)
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
                    // Writes while the rewrite runs, including compactions into the destination.
                    for (int i = 5000; i < 5100; i++)
                    {
                        client.Execute("TS.ADD", "p:raw", (i * 100).ToString(System.Globalization.CultureInfo.InvariantCulture), "1");
                    }
                    while (server.Aof!.RewriteInProgress)
                    {
                        await Task.Delay(10);
                    }
                    client.Execute("TS.ADD", "p:raw", "600000", "7");
                }
                before = Probe(client);
            }
            await using (var server = new TestServer(c => { c.AppendOnly = aof; c.Save = ""; }, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal(before, Probe(client));
                // Rules still run after the restart.
                string lastAverage = client.Execute("TS.GET", "p:avg");
                client.Execute("TS.ADD", "p:raw", "10000000", "1");
                Assert.NotEqual(lastAverage, client.Execute("TS.GET", "p:avg"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task MaddWithFailingTriplesReplaysOnlyTheAddedSamplesFromTheAof()
    {
        string dir = NewDirectory();
        try
        {
            string range;
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.Save = ""; }, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal("+OK", client.Execute("TS.CREATE", "pm:a", "DUPLICATE_POLICY", "BLOCK"));
                Assert.Equal("[:5, :6]", client.Execute("TS.MADD", "pm:a", "5", "1", "pm:a", "6", "1"));
                Assert.Equal(
                    "[:4, -ERR TSDB: Error at upsert, update is not supported when DUPLICATE_POLICY is set to BLOCK mode, or either current or new value is NaN and DUPLICATE_POLICY is MAX/MIN/SUM, "
                    + "-ERR TSDB: invalid value, -ERR TSDB: the key is not a TSDB key, :7]",
                    client.Execute("TS.MADD", "pm:a", "4", "2", "pm:a", "5", "2", "pm:a", "8", "x", "pm:none", "1", "1", "pm:a", "7", "2"));
                Assert.Equal("[-ERR TSDB: the key is not a TSDB key]", client.Execute("TS.MADD", "pm:none", "1", "1"));
                range = client.Execute("TS.RANGE", "pm:a", "-", "+");
                Assert.Equal("[[:4, +2], [:5, +1], [:6, +1], [:7, +2]]", range);
            }
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.Save = ""; }, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal(range, client.Execute("TS.RANGE", "pm:a", "-", "+"));
                Assert.Equal(":0", client.Execute("EXISTS", "pm:none"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
