using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.TimeSeries;

/// <summary>Evicted series leave the label index; series memory counts towards maxmemory.</summary>
public sealed class TimeSeriesEvictionTests
{
    [Fact]
    public void EvictedSeriesLeaveTheIndexAndMemoryStaysWithinTheLimit()
    {
        using var server = new TestServer(c => { c.MaxMemoryBytes = 400_000; c.MaxMemoryPolicy = "allkeys-random"; });
        using RawClient client = server.Raw();
        const int series = 2000;
        for (int i = 0; i < series; i++)
        {
            Assert.Equal(":1", client.Execute("TS.ADD", $"ev:{i}", "1", "1", "LABELS", "ev", "yes", "pad", new string('p', 100)));
        }
        string info = client.Execute("INFO", "stats");
        Assert.Matches(@"evicted_keys:[1-9]\d*", info);
        long keys = long.Parse(client.Execute("DBSIZE")[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(keys < series);
        // The index lists exactly the series still in the keyspace.
        string indexed = client.Execute("TS.QUERYINDEX", "ev=yes");
        int listed = indexed == "[]" ? 0 : indexed.Split(", ").Length;
        Assert.Equal(keys, listed);
    }
}
