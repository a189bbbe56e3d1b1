using Cairn.TimeSeries.Serialization;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Tests.Series;

/// <summary>Behaviours that span parsing, the store and rules.</summary>
public sealed class StoreBehaviourTests
{
    private readonly Commands _redis = new();

    [Fact]
    public void ReverseAggregatedRangeWithEmptyListsNewestBucketsFirst()
    {
        _redis.Run("TS.ADD s 5 1");
        _redis.Run("TS.ADD s 35 2");
        Assert.Equal("[[30, 1], [20, 0], [10, 0], [0, 1]]", _redis.Run("TS.REVRANGE s - + AGGREGATION count 10 EMPTY"));
        Assert.Equal("[[40, 2], [30, 0]]", _redis.Run("TS.REVRANGE s - + COUNT 2 AGGREGATION sum 10 BUCKETTIMESTAMP + EMPTY"));
        Assert.Equal("[[5, 1], [35, 2]]", _redis.Run("TS.RANGE s - + AGGREGATION last 10 BUCKETTIMESTAMP ~"));
    }

    [Fact]
    public void IgnoreOptionParsedFromCreateDropsNearDuplicates()
    {
        _redis.Run("TS.CREATE s DUPLICATE_POLICY LAST IGNORE 1000 0.5");
        Assert.Equal("100", _redis.Run("TS.ADD s 100 10"));
        Assert.Equal("100", _redis.Run("TS.ADD s 500 10.4"));
        Assert.Equal("1500", _redis.Run("TS.ADD s 1500 10.4"));
        Assert.Equal("[[100, 10], [1500, 10.4]]", _redis.Run("TS.RANGE s - +"));
    }

    [Fact]
    public void MultiRangeLatestIncludesTheOpenBucketOfCompactedSeries()
    {
        _redis.Run("TS.CREATE raw");
        _redis.Run("TS.CREATE avg LABELS kind avg");
        _redis.Run("TS.CREATERULE raw avg AGGREGATION avg 10");
        foreach (int t in new[] { 1, 2, 11, 12, 13 })
        {
            _redis.Run($"TS.ADD raw {t} {t}");
        }
        Assert.Equal("[[avg, [], [[0, 1.5]]]]", _redis.Run("TS.MRANGE - + FILTER kind=avg"));
        Assert.Equal("[[avg, [], [[0, 1.5], [10, 12]]]]", _redis.Run("TS.MRANGE - + LATEST FILTER kind=avg"));
        Assert.Equal("[[avg, [], [10, 12]]]", _redis.Run("TS.MGET LATEST FILTER kind=avg"));
    }

    [Fact]
    public void RulesKeepWorkingAfterASnapshotRoundTrip()
    {
        _redis.Run("TS.CREATE raw LABELS k raw");
        _redis.Run("TS.CREATE sum");
        _redis.Run("TS.CREATERULE raw sum AGGREGATION sum 10");
        for (int t = 0; t < 25; t++)
        {
            _redis.Run($"TS.ADD raw {t} 1");
        }
        var restored = new Commands();
        foreach (string key in new[] { "raw", "sum" })
        {
            byte[] bytes = SeriesSerializer.Serialize(_redis.Series(key));
            byte[] keyBytes = System.Text.Encoding.UTF8.GetBytes(key);
            Assert.True(SeriesSerializer.TryDeserialize(bytes, keyBytes, out TimeSeriesData? series, out string? error), error);
            restored.Keyspace.Add(series!);
            restored.Store.OnSeriesLoaded(series!);
        }
        Assert.Equal("[raw]", restored.Run("TS.QUERYINDEX k=raw"));
        restored.Run("TS.ADD raw 25 1");
        restored.Run("TS.ADD raw 31 1");
        Assert.Equal("[[0, 10], [10, 10], [20, 6]]", restored.Run("TS.RANGE sum - +"));
        restored.Run("TS.ADD raw 15 ON_DUPLICATE SUM".Replace("15 ON", "15 1 ON", StringComparison.Ordinal));
        Assert.Equal("[[0, 10], [10, 11], [20, 6]]", restored.Run("TS.RANGE sum - +"));
    }

    [Fact]
    public void DeletingSourceSamplesRecomputesAndRemovesCompactedBuckets()
    {
        _redis.Run("TS.CREATE raw");
        _redis.Run("TS.CREATE max");
        _redis.Run("TS.CREATERULE raw max AGGREGATION max 10");
        for (int t = 0; t < 45; t++)
        {
            _redis.Run($"TS.ADD raw {t} {t}");
        }
        Assert.Equal("[[0, 9], [10, 19], [20, 29], [30, 39]]", _redis.Run("TS.RANGE max - +"));
        Assert.Equal("17", _redis.Run("TS.DEL raw 18 34"));
        Assert.Equal("[[0, 9], [10, 17], [30, 39]]", _redis.Run("TS.RANGE max - +"));
    }

    [Fact]
    public void WrongTypeKeysAreReportedByTheKeyspacePort()
    {
        var keyspace = new WrongTypeKeyspace();
        var store = new TimeSeriesStore(keyspace);
        var add = TsArgumentParserShortcut.Add("str 1 1");
        // TS.ADD on another type is RedisTimeSeries's "not a TSDB key" (module.c add()); reads say WRONGTYPE.
        Assert.Equal(TsErrors.NotATimeSeries, store.Add(add, 0).Error);
        Assert.Equal(TsErrors.WrongType, store.Get(new Cairn.TimeSeries.Arguments.GetArguments("str"u8.ToArray(), false)).Error);
        Assert.Equal(TsErrors.KeyExists, store.Create(new Cairn.TimeSeries.Arguments.CreateArguments("str"u8.ToArray(), new SeriesOptions())).Error);
    }

    private sealed class WrongTypeKeyspace : ISeriesKeyspace
    {
        public KeyLookup TryGet(byte[] key, out TimeSeriesData? series)
        {
            series = null;
            return KeyLookup.WrongType;
        }

        public void Add(TimeSeriesData series) => throw new InvalidOperationException("must not create over another type");
    }

    private static class TsArgumentParserShortcut
    {
        public static Cairn.TimeSeries.Arguments.AddArguments Add(string line) =>
            Cairn.TimeSeries.Arguments.TsArgumentParser.ParseAdd(Commands.Split(line), new SeriesOptions()).Value!;
    }
}
