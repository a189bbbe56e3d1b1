using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.TimeSeries;

/// <summary>
/// Exact reply shapes per protocol, as RedisTimeSeries sends them (src/reply.c, module.c): RESP3 maps keyed by series name,
/// labels as maps, values as doubles after HELLO 3; the RESP2 arrays with values as simple strings otherwise.
/// </summary>
public sealed class TimeSeriesResp3ReplyTests : IClassFixture<TimeSeriesResp3ReplyTests.Fixture>
{
    private readonly TestServer _server;

    public TimeSeriesResp3ReplyTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            using RawClient client = Server.Raw();
            Assert.Equal("+OK", client.Execute("TS.CREATE", "r3:cpu:a", "LABELS", "metric", "r3cpu", "host", "a"));
            Assert.Equal("+OK", client.Execute("TS.CREATE", "r3:cpu:b", "LABELS", "metric", "r3cpu", "host", "b"));
            Assert.Equal("+OK", client.Execute("TS.CREATE", "r3:avg", "LABELS", "kind", "r3avg"));
            Assert.Equal("+OK", client.Execute("TS.CREATERULE", "r3:cpu:a", "r3:avg", "AGGREGATION", "avg", "10"));
            Assert.Equal("[:1, :2, :1, :2]", client.Execute("TS.MADD", "r3:cpu:a", "1", "1.5", "r3:cpu:a", "2", "2.5", "r3:cpu:b", "1", "10", "r3:cpu:b", "2", "20"));
        }

        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private RawClient Resp3()
    {
        RawClient client = _server.Raw();
        Assert.StartsWith("{server: ", client.Execute("HELLO", "3"), StringComparison.Ordinal);
        return client;
    }

    [Fact]
    public void MrangeInResp3IsAMapOfSeriesToLabelsAggregatorsAndSamples()
    {
        using RawClient client = Resp3();
        Assert.Equal(
            "{r3:cpu:a: [{metric: r3cpu, host: a}, {aggregators: []}, [[:1, ,1.5], [:2, ,2.5]]], "
            + "r3:cpu:b: [{metric: r3cpu, host: b}, {aggregators: []}, [[:1, ,10], [:2, ,20]]]}",
            client.Execute("TS.MRANGE", "-", "+", "WITHLABELS", "FILTER", "metric=r3cpu"));
        Assert.Equal(
            "{r3:cpu:a: [{}, {aggregators: [sum]}, [[:0, ,4]]], r3:cpu:b: [{}, {aggregators: [sum]}, [[:0, ,30]]]}",
            client.Execute("TS.MRANGE", "-", "+", "AGGREGATION", "sum", "10", "FILTER", "metric=r3cpu"));
        Assert.Equal(
            "{r3:cpu:a: [{host: a, missing: (nil)}, {aggregators: []}, [[:2, ,2.5]]], r3:cpu:b: [{host: b, missing: (nil)}, {aggregators: []}, [[:2, ,20]]]}",
            client.Execute("TS.MREVRANGE", "-", "+", "COUNT", "1", "SELECTED_LABELS", "host", "missing", "FILTER", "metric=r3cpu"));
    }

    [Fact]
    public void GroupedMrangeInResp3ReportsReducersAndSourcesApartFromTheLabels()
    {
        using RawClient client = Resp3();
        Assert.Equal(
            "{metric=r3cpu: [{metric: r3cpu}, {reducers: [max]}, {sources: [r3:cpu:a, r3:cpu:b]}, [[:1, ,10], [:2, ,20]]]}",
            client.Execute("TS.MRANGE", "-", "+", "WITHLABELS", "FILTER", "metric=r3cpu", "GROUPBY", "metric", "REDUCE", "max"));
    }

    [Fact]
    public void GroupedMrangeInResp2KeepsTheReducerAndSourceLabels()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(
            "[[metric=r3cpu, [[metric, r3cpu], [__reducer__, max], [__source__, r3:cpu:a,r3:cpu:b]], [[:1, +10], [:2, +20]]]]",
            client.Execute("TS.MRANGE", "-", "+", "WITHLABELS", "FILTER", "metric=r3cpu", "GROUPBY", "metric", "REDUCE", "max"));
    }

    [Fact]
    public void MrangeInResp2IsAnArrayOfTriples()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(
            "[[r3:cpu:a, [[metric, r3cpu], [host, a]], [[:1, +1.5], [:2, +2.5]]], [r3:cpu:b, [[metric, r3cpu], [host, b]], [[:1, +10], [:2, +20]]]]",
            client.Execute("TS.MRANGE", "-", "+", "WITHLABELS", "FILTER", "metric=r3cpu"));
        Assert.Equal("[[r3:cpu:a, [], [[:0, +4]]], [r3:cpu:b, [], [[:0, +30]]]]",
            client.Execute("TS.MRANGE", "-", "+", "AGGREGATION", "sum", "10", "FILTER", "metric=r3cpu"));
    }

    [Fact]
    public void MgetInResp3IsAMapOfSeriesToLabelsAndLastSample()
    {
        using RawClient client = Resp3();
        Assert.Equal("{r3:cpu:a: [{host: a}, [:2, ,2.5]], r3:cpu:b: [{host: b}, [:2, ,20]]}",
            client.Execute("TS.MGET", "SELECTED_LABELS", "host", "FILTER", "metric=r3cpu"));
        Assert.Equal("{r3:avg: [{}, []]}", client.Execute("TS.MGET", "FILTER", "kind=r3avg"));
    }

    [Fact]
    public void MgetInResp2IsAnArrayOfTriples()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[[r3:cpu:a, [[host, a]], [:2, +2.5]], [r3:cpu:b, [[host, b]], [:2, +20]]]",
            client.Execute("TS.MGET", "SELECTED_LABELS", "host", "FILTER", "metric=r3cpu"));
        Assert.Equal("[[r3:avg, [], []]]", client.Execute("TS.MGET", "FILTER", "kind=r3avg"));
    }

    [Fact]
    public void InfoInResp3HasLabelsAndRulesAsMaps()
    {
        using RawClient client = Resp3();
        string info = client.Execute("TS.INFO", "r3:cpu:a");
        Assert.StartsWith("{+totalSamples: :2, +memoryUsage: :", info, StringComparison.Ordinal);
        Assert.Contains("+labels: {metric: r3cpu, host: a}", info, StringComparison.Ordinal);
        Assert.Contains("+rules: {r3:avg: [:10, +AVG, :0]}", info, StringComparison.Ordinal);
        Assert.Contains("+sourceKey: (nil)", info, StringComparison.Ordinal);
        Assert.Contains("+sourceKey: r3:cpu:a", client.Execute("TS.INFO", "r3:avg"), StringComparison.Ordinal);
    }

    [Fact]
    public void InfoInResp2HasLabelsAndRulesAsArrays()
    {
        using RawClient client = _server.Raw();
        string info = client.Execute("TS.INFO", "r3:cpu:a");
        Assert.StartsWith("[+totalSamples, :2, +memoryUsage, :", info, StringComparison.Ordinal);
        Assert.Contains("+labels, [[metric, r3cpu], [host, a]]", info, StringComparison.Ordinal);
        Assert.Contains("+rules, [[r3:avg, :10, +AVG, :0]]", info, StringComparison.Ordinal);
    }

    [Fact]
    public void RangeGetAndQueryindexInResp3UseDoublesAndASet()
    {
        using RawClient client = Resp3();
        Assert.Equal("[[:1, ,1.5], [:2, ,2.5]]", client.Execute("TS.RANGE", "r3:cpu:a", "-", "+"));
        Assert.Equal("[:2, ,2.5]", client.Execute("TS.GET", "r3:cpu:a"));
        Assert.Equal("[]", client.Execute("TS.GET", "r3:avg"));
        Assert.Equal("[r3:cpu:a, r3:cpu:b]", client.Execute("TS.QUERYINDEX", "metric=r3cpu"));
    }

    [Fact]
    public void Resp3ClientSeesMapsAndASetWhereRedisTimeSeriesSendsThem()
    {
        using ConnectionMultiplexer connection = _server.Connect(o => o.Protocol = RedisProtocol.Resp3);
        IDatabase db = connection.GetDatabase();
        Assert.Equal(ResultType.Set, db.Execute("TS.QUERYINDEX", "metric=r3cpu").Resp3Type);
        Assert.Equal(ResultType.Map, db.Execute("TS.MRANGE", "-", "+", "FILTER", "metric=r3cpu").Resp3Type);
        Assert.Equal(ResultType.Map, db.Execute("TS.MGET", "FILTER", "metric=r3cpu").Resp3Type);
        Assert.Equal(ResultType.Map, db.Execute("TS.INFO", "r3:cpu:a").Resp3Type);
        using ConnectionMultiplexer resp2 = _server.Connect();
        Assert.Equal(ResultType.Array, resp2.GetDatabase().Execute("TS.MRANGE", "-", "+", "FILTER", "metric=r3cpu").Resp3Type);
    }
}
