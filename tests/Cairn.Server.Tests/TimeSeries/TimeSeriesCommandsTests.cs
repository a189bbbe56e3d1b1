// The positional overloads are obsolete in NRedisStack 1.8 but still what most applications call; they send the same commands.
#pragma warning disable CS0618
using Cairn.Server.Tests.Infrastructure;
using NRedisStack;
using NRedisStack.DataTypes;
using NRedisStack.Literals.Enums;
using NRedisStack.RedisStackCommands;
using StackExchange.Redis;

namespace Cairn.Server.Tests.TimeSeries;

/// <summary>TS.* through the official NRedisStack client (unchanged) and exact replies through RawClient.</summary>
public sealed class TimeSeriesCommandsTests : IClassFixture<TimeSeriesCommandsTests.Fixture>
{
    private readonly TestServer _server;

    public TimeSeriesCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private TimeSeriesCommands Ts() => _server.Database().TS();

    private static TimeSeriesLabel[] Labels(params (string Name, string Value)[] labels) =>
        labels.Select(l => new TimeSeriesLabel(l.Name, l.Value)).ToArray();

    [Fact]
    public void CreateAddGetAndRangeRoundTrip()
    {
        TimeSeriesCommands ts = Ts();
        Assert.True(ts.Create("t:basic", retentionTime: 0, labels: Labels(("sensor", "1"))));
        Assert.Equal(1000, (long)ts.Add("t:basic", 1000, 1.5));
        Assert.Equal(2000, (long)ts.Add("t:basic", 2000, 2.5));
        Assert.Equal(3000, (long)ts.Add("t:basic", 3000, 3.25));
        TimeSeriesTuple? last = ts.Get("t:basic");
        Assert.NotNull(last);
        Assert.Equal(3000, (long)last!.Time);
        Assert.Equal(3.25, last.Val);
        IReadOnlyList<TimeSeriesTuple> range = ts.Range("t:basic", "-", "+");
        Assert.Equal([1000L, 2000L, 3000L], range.Select(t => (long)t.Time));
        Assert.Equal([1.5, 2.5, 3.25], range.Select(t => t.Val));
        IReadOnlyList<TimeSeriesTuple> reversed = ts.RevRange("t:basic", "-", "+", count: 2);
        Assert.Equal([3000L, 2000L], reversed.Select(t => (long)t.Time));
        Assert.Equal("TSDB-TYPE", _server.Database().Execute("TYPE", "t:basic").ToString());
    }

    [Fact]
    public void AddStarUsesServerTime()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long stored = Ts().Add("t:star", "*", 7);
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(stored, before - 5, after + 5);
        Assert.Equal(stored, (long)Ts().Get("t:star")!.Time);
    }

    [Fact]
    public void RangeWithAggregationBucketsSamples()
    {
        TimeSeriesCommands ts = Ts();
        for (int i = 0; i < 100; i++)
        {
            ts.Add("t:agg", i * 100, i);
        }
        IReadOnlyList<TimeSeriesTuple> avg = ts.Range("t:agg", 0, 9999, aggregation: TsAggregation.Avg, timeBucket: 1000);
        Assert.Equal(10, avg.Count);
        Assert.Equal(4.5, avg[0].Val);
        Assert.Equal(94.5, avg[9].Val);
        IReadOnlyList<TimeSeriesTuple> max = ts.RevRange("t:agg", 0, 9999, aggregation: TsAggregation.Max, timeBucket: 5000);
        Assert.Equal([5000L, 0L], max.Select(t => (long)t.Time));
        Assert.Equal([99.0, 49.0], max.Select(t => t.Val));
        IReadOnlyList<TimeSeriesTuple> count = ts.Range("t:agg", 0, 9999, filterByValue: (10, 19), aggregation: TsAggregation.Count, timeBucket: 100000);
        Assert.Equal(10, count[0].Val);
    }

    [Fact]
    public void MAddRepliesPerEntryIncludingErrors()
    {
        TimeSeriesCommands ts = Ts();
        ts.Create("t:madd1");
        ts.Create("t:madd2");
        IReadOnlyList<TimeStamp> stamps = ts.MAdd([("t:madd1", 10, 1.0), ("t:madd2", 20, 2.0), ("t:madd1", 30, 3.0)]);
        Assert.Equal([10L, 20L, 30L], stamps.Select(t => (long)t));
        using RawClient raw = _server.Raw();
        Assert.Equal("[:40, -ERR TSDB: the key is not a TSDB key]", raw.Execute("TS.MADD", "t:madd1", "40", "4", "t:missing", "10", "1"));
        Assert.Equal(3, ts.Range("t:madd1", "-", "+").Count);
    }

    [Fact]
    public void IncrByAndDecrByAccumulate()
    {
        TimeSeriesCommands ts = Ts();
        Assert.Equal(100, (long)ts.IncrBy("t:incr", 5, timestamp: 100));
        Assert.Equal(100, (long)ts.IncrBy("t:incr", 2.5, timestamp: 100));
        Assert.Equal(200, (long)ts.DecrBy("t:incr", 1, timestamp: 200));
        Assert.Equal(6.5, ts.Get("t:incr")!.Val);
        Assert.Equal(2, ts.Range("t:incr", "-", "+").Count);
        long now = ts.IncrBy("t:incr", 1);
        Assert.True(now > 200);
        Assert.Equal(7.5, ts.Get("t:incr")!.Val);
    }

    [Fact]
    public void DelRemovesSamplesInRange()
    {
        TimeSeriesCommands ts = Ts();
        for (int i = 1; i <= 10; i++)
        {
            ts.Add("t:del", i, i);
        }
        Assert.Equal(4, ts.Del("t:del", 3, 6));
        Assert.Equal([1L, 2L, 7L, 8L, 9L, 10L], ts.Range("t:del", "-", "+").Select(t => (long)t.Time));
    }

    [Fact]
    public void AlterAndInfoReportSettings()
    {
        TimeSeriesCommands ts = Ts();
        ts.Create("t:info", retentionTime: 60000, labels: Labels(("a", "1")), chunkSizeBytes: 128, duplicatePolicy: TsDuplicatePolicy.MAX);
        ts.Add("t:info", 10, 1);
        ts.Add("t:info", 20, 2);
        Assert.True(ts.Alter("t:info", retentionTime: 120000, labels: Labels(("a", "2"), ("b", "x")), duplicatePolicy: TsDuplicatePolicy.LAST));
        TimeSeriesInformation info = ts.Info("t:info");
        Assert.Equal(2, info.TotalSamples);
        Assert.Equal(120000, info.RetentionTime);
        Assert.Equal(10, (long)info.FirstTimeStamp!);
        Assert.Equal(20, (long)info.LastTimeStamp!);
        Assert.Equal(TsDuplicatePolicy.LAST, info.DuplicatePolicy);
        Assert.Equal(128, info.ChunkSize);
        Assert.Equal(["a=2", "b=x"], info.Labels!.Select(l => l.Key + "=" + l.Value));
        Assert.True(string.IsNullOrEmpty(info.SourceKey));
        Assert.True(info.MemoryUsage > 0);
        Assert.Equal(["t:info"], ts.QueryIndex(["a=2", "b=x"]));
        Assert.Empty(ts.QueryIndex(["a=1"]));
    }

    [Fact]
    public void MRangeFiltersWithLabelsSelectedLabelsAndGroupBy()
    {
        TimeSeriesCommands ts = Ts();
        ts.Create("t:mr:1", labels: Labels(("mr", "yes"), ("host", "a"), ("dc", "east")));
        ts.Create("t:mr:2", labels: Labels(("mr", "yes"), ("host", "b"), ("dc", "east")));
        ts.Create("t:mr:3", labels: Labels(("mr", "yes"), ("host", "c"), ("dc", "west")));
        for (int i = 0; i < 10; i++)
        {
            ts.Add("t:mr:1", i * 10, i);
            ts.Add("t:mr:2", i * 10, i * 2);
            ts.Add("t:mr:3", i * 10, 100);
        }
        var plain = ts.MRange("-", "+", ["mr=yes"]);
        Assert.Equal(["t:mr:1", "t:mr:2", "t:mr:3"], plain.Select(r => r.key));
        Assert.All(plain, r => Assert.Empty(r.labels));
        Assert.Equal(10, plain[0].values.Count);

        var withLabels = ts.MRange("-", "+", ["mr=yes", "dc=east"], withLabels: true);
        Assert.Equal(["t:mr:1", "t:mr:2"], withLabels.Select(r => r.key));
        Assert.Equal(["mr=yes", "host=a", "dc=east"], withLabels[0].labels.Select(l => l.Key + "=" + l.Value));

        var selected = ts.MRange("-", "+", ["mr=yes", "host!=b"], selectLabels: ["dc", "nope"], count: 3);
        Assert.Equal(["t:mr:1", "t:mr:3"], selected.Select(r => r.key));
        Assert.Equal(["dc=east", "nope="], selected[0].labels.Select(l => l.Key + "=" + l.Value));
        Assert.Equal(3, selected[0].values.Count);

        var grouped = ts.MRange("-", "+", ["mr=yes"], groupbyTuple: ("dc", TsReduce.Sum));
        Assert.Equal(["dc=east", "dc=west"], grouped.Select(r => r.key));
        Assert.Equal(3.0, grouped[0].values[1].Val); // 1 + 2
        Assert.Equal(100.0, grouped[1].values[1].Val);

        var aggregated = ts.MRevRange("-", "+", ["host=(a,c)"], aggregation: TsAggregation.Sum, timeBucket: 50);
        Assert.Equal(["t:mr:1", "t:mr:3"], aggregated.Select(r => r.key));
        Assert.Equal([50L, 0L], aggregated[0].values.Select(v => (long)v.Time));
        Assert.Equal(5 + 6 + 7 + 8 + 9, aggregated[0].values[0].Val);
    }

    [Fact]
    public void MGetAndQueryIndex()
    {
        TimeSeriesCommands ts = Ts();
        ts.Create("t:mg:1", labels: Labels(("mg", "1"), ("kind", "cpu")));
        ts.Create("t:mg:2", labels: Labels(("mg", "1"), ("kind", "mem")));
        ts.Add("t:mg:1", 5, 50);
        var all = ts.MGet(["mg=1"], withLabels: true);
        Assert.Equal(["t:mg:1", "t:mg:2"], all.Select(r => r.key));
        Assert.Equal(50, all[0].value.Val);
        Assert.Equal(["mg=1", "kind=cpu"], all[0].labels.Select(l => l.Key + "=" + l.Value));
        var cpu = ts.MGet(["kind=cpu"], selectedLabels: ["kind"]);
        Assert.Single(cpu);
        Assert.Equal("cpu", cpu[0].labels.Single().Value);
        Assert.Equal(["t:mg:2"], ts.QueryIndex(["mg=1", "kind=mem"]));
        Assert.Equal(["t:mg:1", "t:mg:2"], ts.QueryIndex(["mg=1", "kind=(cpu,mem)"]).OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public void CompactionRulesFollowLateSamples()
    {
        TimeSeriesCommands ts = Ts();
        ts.Create("t:raw");
        ts.Create("t:raw:sum");
        Assert.True(ts.CreateRule("t:raw", new TimeSeriesRule("t:raw:sum", 10, TsAggregation.Sum)));
        ts.Add("t:raw", 1, 1);
        ts.Add("t:raw", 5, 2);
        ts.Add("t:raw", 12, 10); // closes [0,10)
        Assert.Equal([(0L, 3.0)], ts.Range("t:raw:sum", "-", "+").Select(t => ((long)t.Time, t.Val)));
        ts.Add("t:raw", 3, 4); // late sample in a closed bucket: recomputed
        Assert.Equal([(0L, 7.0)], ts.Range("t:raw:sum", "-", "+").Select(t => ((long)t.Time, t.Val)));
        ts.Add("t:raw", 25, 1); // closes [10,20)
        Assert.Equal([(0L, 7.0), (10L, 10.0)], ts.Range("t:raw:sum", "-", "+").Select(t => ((long)t.Time, t.Val)));
        TimeSeriesInformation info = ts.Info("t:raw");
        Assert.Single(info.Rules!);
        Assert.Equal("t:raw:sum", info.Rules![0].DestKey);
        Assert.Equal("t:raw", ts.Info("t:raw:sum").SourceKey);
        Assert.True(ts.DeleteRule("t:raw", "t:raw:sum"));
        Assert.Empty(ts.Info("t:raw").Rules!);
        ts.Add("t:raw", 40, 1);
        Assert.Equal(2, ts.Range("t:raw:sum", "-", "+").Count);
    }

    [Fact]
    public void ErrorRepliesMatchRedisTimeSeries()
    {
        using RawClient raw = _server.Raw();
        raw.Execute("SET", "t:string", "x");
        Assert.Equal("-ERR TSDB: the key is not a TSDB key", raw.Execute("TS.ADD", "t:string", "1", "1"));
        Assert.StartsWith("-WRONGTYPE", raw.Execute("TS.RANGE", "t:string", "-", "+"));
        Assert.Equal("-ERR TSDB: the key does not exist", raw.Execute("TS.GET", "t:nokey"));
        Assert.Equal("-ERR TSDB: the key does not exist", raw.Execute("TS.RANGE", "t:nokey", "-", "+"));
        Assert.Equal("+OK", raw.Execute("TS.CREATE", "t:err"));
        Assert.Equal("-ERR TSDB: key already exists", raw.Execute("TS.CREATE", "t:err"));
        Assert.StartsWith("-ERR", raw.Execute("TS.ADD", "t:err", "abc", "1"));
        Assert.StartsWith("-ERR", raw.Execute("TS.ADD", "t:err", "1", "notanumber"));
        Assert.Equal(":10", raw.Execute("TS.ADD", "t:err", "10", "1"));
        Assert.Equal("-ERR TSDB: Error at upsert, update is not supported when DUPLICATE_POLICY is set to BLOCK mode, or either current or new value is NaN and DUPLICATE_POLICY is MAX/MIN/SUM", raw.Execute("TS.ADD", "t:err", "10", "2"));
        Assert.Equal("-ERR wrong number of arguments for 'ts.add' command", raw.Execute("TS.ADD", "t:err", "1"));
        Assert.StartsWith("-ERR", raw.Execute("TS.MRANGE", "-", "+", "FILTER"));
        Assert.StartsWith("-ERR", raw.Execute("TS.CREATERULE", "t:err", "t:err", "AGGREGATION", "avg", "10"));
        Assert.StartsWith("-ERR", raw.Execute("TS.DELETERULE", "t:err", "t:nokey"));
    }

    [Theory]
    [InlineData("TS.ADD t:e 1 1 ON_DUPLICATE newest", "-ERR TSDB: Unknown DUPLICATE_POLICY")]
    [InlineData("TS.CREATE t:e2 DUPLICATE_POLICY newest", "-ERR TSDB: Unknown DUPLICATE_POLICY")]
    [InlineData("TS.CREATE t:e2 CHUNK_SIZE 50", "-ERR TSDB: CHUNK_SIZE value must be a multiple of 8 in the range [48 .. 1048576]")]
    [InlineData("TS.CREATE t:e2 ENCODING zip", "-ERR TSDB: unknown ENCODING parameter")]
    [InlineData("TS.RANGE t:e - + COUNT", "-ERR TSDB: COUNT argument is missing")]
    [InlineData("TS.RANGE t:e - + FILTER_BY_VALUE 1", "-ERR TSDB: FILTER_BY_VALUE one or more arguments are missing")]
    [InlineData("TS.RANGE t:e - + FILTER_BY_TS", "-ERR TSDB: FILTER_BY_TS one or more arguments are missing")]
    [InlineData("TS.RANGE t:e - + AGGREGATION avg soon", "-ERR TSDB: Couldn't parse AGGREGATION")]
    [InlineData("TS.RANGE t:e - + AGGREGATION avg 0", "-ERR TSDB: bucketDuration must be greater than zero")]
    [InlineData("TS.MRANGE - + FILTER a=1 GROUPBY a REDUCE first", "-ERR TSDB: Invalid reducer type")]
    [InlineData("TS.MREVRANGE - + FILTER a=1 GROUPBY a", "-ERR wrong number of arguments for 'ts.mrevrange' command")]
    [InlineData("TS.MGET SELECTED_LABELS FILTER a=1", "-ERR TSDB: SELECT_LABELS should have at least 1 parameter")]
    [InlineData("TS.MGET WITHLABELS SELECTED_LABELS a FILTER a=1", "-ERR TSDB: cannot accept WITHLABELS and SELECT_LABELS together")]
    [InlineData("TS.INCRBY t:e 1 TIMESTAMP 0", "-TSDB: timestamp must be equal to or higher than the maximum existing timestamp")]
    [InlineData("TS.INCRBY t:e x", "-ERR TSDB: invalid increase/decrease value")]
    public void ArgumentErrorsCarryRedisTimeSeriesTexts(string command, string error)
    {
        using RawClient raw = _server.Raw();
        raw.Execute("TS.ADD", "t:e", "10", "1");
        Assert.Equal(error, raw.Execute(command.Split(' ')));
    }

    [Fact]
    public void MaddAddsTheGoodTriplesAndRepliesAnErrorInPlaceOfEachBadOne()
    {
        using RawClient raw = _server.Raw();
        raw.Execute("SET", "t:madd:string", "x");
        Assert.Equal("+OK", raw.Execute("TS.CREATE", "t:madd:p"));
        Assert.Equal(
            "[:1, -ERR TSDB: invalid value, -ERR TSDB: invalid timestamp, -ERR TSDB: invalid timestamp, must be a nonnegative integer, "
            + "-ERR TSDB: the key is not a TSDB key, -ERR TSDB: the key is not a TSDB key, :2]",
            raw.Execute("TS.MADD", "t:madd:p", "1", "1", "t:madd:p", "3", "NaNx", "t:madd:p", "soon", "1", "t:madd:p", "-3", "1",
                "t:madd:missing", "1", "1", "t:madd:string", "1", "1", "t:madd:p", "2", "2"));
        Assert.Equal("[[:1, +1], [:2, +2]]", raw.Execute("TS.RANGE", "t:madd:p", "-", "+"));
        Assert.Equal(":0", raw.Execute("EXISTS", "t:madd:missing"));
        var results = Ts().MAdd([("t:madd:p", 5, 5.0), ("t:madd:p", 6, 6.0)]);
        Assert.Equal([5L, 6L], results.Select(t => (long)t));
    }

    [Fact]
    public void RawRepliesUseRedisTimeSeriesShapes()
    {
        using RawClient raw = _server.Raw();
        raw.Execute("TS.CREATE", "t:raw2", "LABELS", "x", "1");
        Assert.Equal("[]", raw.Execute("TS.GET", "t:raw2"));
        raw.Execute("TS.ADD", "t:raw2", "1", "0.1");
        Assert.Equal("[:1, +0.1]", raw.Execute("TS.GET", "t:raw2"));
        Assert.Equal("[[:1, +0.1]]", raw.Execute("TS.RANGE", "t:raw2", "-", "+"));
        Assert.Equal("compressed", raw.Execute("OBJECT", "ENCODING", "t:raw2"));
        Assert.True(long.Parse(raw.Execute("MEMORY", "USAGE", "t:raw2")[1..], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void DeletedExpiredRenamedAndOverwrittenSeriesLeaveTheIndex()
    {
        TimeSeriesCommands ts = Ts();
        IDatabase db = _server.Database();
        ts.Create("t:ks:del", labels: Labels(("ks", "1")));
        ts.Create("t:ks:exp", labels: Labels(("ks", "1")));
        ts.Create("t:ks:ren", labels: Labels(("ks", "1")));
        ts.Create("t:ks:set", labels: Labels(("ks", "1")));
        Assert.Equal(4, ts.QueryIndex(["ks=1"]).Count);
        db.KeyDelete("t:ks:del");
        db.Execute("PEXPIRE", "t:ks:exp", "1");
        Thread.Sleep(20);
        db.KeyRename("t:ks:ren", "t:ks:renamed");
        db.StringSet("t:ks:set", "plain");
        Assert.Equal(["t:ks:renamed"], ts.QueryIndex(["ks=1"]));
        Assert.Equal(["t:ks:renamed"], ts.MRange("-", "+", ["ks=1"]).Select(r => r.key));
        ts.Add("t:ks:renamed", 1, 1);
        Assert.Equal(1, ts.Get("t:ks:renamed")!.Val);
        // A series re-created under a deleted name has only its new labels.
        ts.Create("t:ks:del", labels: Labels(("ks", "2")));
        Assert.Equal(["t:ks:del"], ts.QueryIndex(["ks=2"]));
    }

    [Fact]
    public void RenamedRuleDestinationStillReceivesCompactions()
    {
        TimeSeriesCommands ts = Ts();
        ts.Create("t:rr:src");
        ts.Create("t:rr:dst");
        ts.CreateRule("t:rr:src", new TimeSeriesRule("t:rr:dst", 10, TsAggregation.Max));
        _server.Database().KeyRename("t:rr:dst", "t:rr:dst2");
        ts.Add("t:rr:src", 1, 5);
        ts.Add("t:rr:src", 11, 6);
        Assert.Equal([(0L, 5.0)], ts.Range("t:rr:dst2", "-", "+").Select(t => ((long)t.Time, t.Val)));
        Assert.Equal("t:rr:dst2", ts.Info("t:rr:src").Rules![0].DestKey);
        // Deleting the destination drops the rule from the source.
        _server.Database().KeyDelete("t:rr:dst2");
        Assert.Empty(ts.Info("t:rr:src").Rules!);
    }

    [Fact]
    public void FlushDbForgetsTheIndex()
    {
        using TestServer server = new();
        TimeSeriesCommands ts = server.Database().TS();
        ts.Create("f:1", labels: Labels(("f", "1")));
        server.Database().Execute("FLUSHDB");
        Assert.Empty(ts.QueryIndex(["f=1"]));
        ts.Create("f:1", labels: Labels(("f", "2")));
        Assert.Empty(ts.QueryIndex(["f=1"]));
        Assert.Single(ts.QueryIndex(["f=2"]));
        server.Database().Execute("FLUSHALL");
        Assert.Empty(ts.QueryIndex(["f=2"]));
    }

    [Fact]
    public void WritesSignalWatchersAndPublishModuleEvents()
    {
        using TestServer server = new();
        server.Database().Execute("CONFIG", "SET", "notify-keyspace-events", "KEd");
        using RawClient subscriber = server.Raw();
        subscriber.Execute("PSUBSCRIBE", "__keyevent@0__:ts.*");
        TimeSeriesCommands ts = server.Database().TS();
        ts.Create("e:src");
        ts.Create("e:dst");
        ts.CreateRule("e:src", new TimeSeriesRule("e:dst", 10, TsAggregation.Sum));
        using RawClient watcher = server.Raw();
        watcher.Execute("WATCH", "e:dst");
        ts.Add("e:src", 1, 1);
        ts.Add("e:src", 15, 1);
        watcher.Execute("MULTI");
        watcher.Execute("PING");
        Assert.Equal("(nil array)", watcher.Execute("EXEC"));
        List<string> events = [];
        for (int i = 0; i < 6; i++)
        {
            events.Add(subscriber.ReadReply());
        }
        Assert.Contains(events, e => e.Contains("ts.create", StringComparison.Ordinal) && e.Contains("e:src", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("ts.createrule", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("ts.add", StringComparison.Ordinal));
    }

    [Fact]
    public void CopyMoveSwapDbAndUnlinkKeepEachDatabaseIndexRight()
    {
        using TestServer server = new();
        TimeSeriesCommands ts0 = server.Database(0).TS();
        TimeSeriesCommands ts1 = server.Database(1).TS();
        ts0.Create("c:src", labels: Labels(("c", "1")));
        ts0.Add("c:src", 1, 10);
        Assert.True(server.Database(0).KeyCopy("c:src", "c:copy"));
        Assert.Equal(["c:copy", "c:src"], ts0.QueryIndex(["c=1"]).OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(10, ts0.Get("c:copy")!.Val);
        ts0.Add("c:copy", 2, 20);
        Assert.Equal(10, ts0.Get("c:src")!.Val); // a deep copy
        Assert.True(server.Database(0).KeyMove("c:copy", 1));
        Assert.Equal(["c:src"], ts0.QueryIndex(["c=1"]));
        Assert.Equal(["c:copy"], ts1.QueryIndex(["c=1"]));
        server.Database(0).Execute("SWAPDB", "0", "1");
        Assert.Equal(["c:copy"], ts0.QueryIndex(["c=1"]));
        Assert.Equal(["c:src"], ts1.QueryIndex(["c=1"]));
        server.Database(1).Execute("UNLINK", "c:src");
        Assert.Empty(ts1.QueryIndex(["c=1"]));
    }

    [Fact]
    public void Resp3RepliesUseDoublesAndAMapForInfo()
    {
        using RawClient raw = _server.Raw();
        raw.Execute("HELLO", "3");
        raw.Execute("TS.ADD", "t:resp3", "5", "2.5");
        Assert.Equal("[:5, ,2.5]", raw.Execute("TS.GET", "t:resp3"));
        string info = raw.Execute("TS.INFO", "t:resp3");
        Assert.StartsWith("{", info, StringComparison.Ordinal);
        Assert.Contains("totalSamples", info, StringComparison.Ordinal);
    }

    [Fact]
    public void ArityAndKeylessSpecsMatchRedisTimeSeries()
    {
        using RawClient raw = _server.Raw();
        Assert.Equal("-ERR wrong number of arguments for 'ts.deleterule' command", raw.Execute("TS.DELETERULE", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'ts.mrange' command", raw.Execute("TS.MRANGE", "-", "+", "FILTER"));
        Assert.Equal("-ERR wrong number of arguments for 'ts.get' command", raw.Execute("TS.GET"));
        Assert.Equal("[]", raw.Execute("COMMAND", "GETKEYS", "TS.MGET", "FILTER", "a=b") is var keys && keys.StartsWith('-') ? "[]" : keys);
        Assert.Equal("[src, dst]", raw.Execute("COMMAND", "GETKEYS", "TS.CREATERULE", "src", "dst", "AGGREGATION", "avg", "10"));
    }
}
