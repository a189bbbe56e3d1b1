using Cairn.Primitives;
using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Tests.Series;

/// <summary>
/// Invariant checked throughout: for a rule source -> destination with bucket d, the destination holds exactly the
/// aggregation of the source's samples for every bucket before the source's newest bucket (which stays open).
/// </summary>
public sealed class CompactionRuleTests
{
    private readonly Commands _redis = new();

    [Theory]
    [InlineData("avg")]
    [InlineData("sum")]
    [InlineData("min")]
    [InlineData("max")]
    [InlineData("range")]
    [InlineData("count")]
    [InlineData("first")]
    [InlineData("last")]
    [InlineData("std.p")]
    [InlineData("var.s")]
    public void LateSamplesInAnyOrderKeepChainedDestinationsEqualToTheirSources(string aggregator)
    {
        for (int run = 0; run < 5; run++)
        {
            ulong seed = TestValues.Seed(run);
            var random = new SeededRandom(seed);
            var redis = new Commands();
            redis.Run("TS.CREATE raw CHUNK_SIZE 64 DUPLICATE_POLICY LAST");
            redis.Run("TS.CREATE minute");
            redis.Run("TS.CREATE hour");
            redis.Run($"TS.CREATERULE raw minute AGGREGATION {aggregator} 60");
            redis.Run($"TS.CREATERULE minute hour AGGREGATION {aggregator} 600 7");
            var timestamps = Enumerable.Range(0, 600).Select(i => (long)(i * 7) + random.NextInt(7)).ToArray();
            // Mostly in order, with a fraction moved late (swapped with a later position).
            for (int i = 0; i < timestamps.Length; i++)
            {
                if (random.NextInt(5) == 0)
                {
                    int j = Math.Min(timestamps.Length - 1, i + random.NextInt(200));
                    (timestamps[i], timestamps[j]) = (timestamps[j], timestamps[i]);
                }
            }
            foreach (long t in timestamps)
            {
                Assert.Equal(t.ToString(System.Globalization.CultureInfo.InvariantCulture), redis.Run($"TS.ADD raw {t} {random.NextInt(1000) / 10.0}"));
            }
            if (run % 2 == 1)
            {
                long from = random.NextInt(3000);
                redis.Run($"TS.DEL raw {from} {from + random.NextInt(500)}");
            }
            AssertCompacted(redis, "raw", "minute", aggregator, 60, 0, seed);
            AssertCompacted(redis, "minute", "hour", aggregator, 600, 7, seed);
        }
    }

    [Fact]
    public void BackfillCompactsExistingDataAndLeavesTheNewestBucketOpen()
    {
        for (int t = 0; t < 100; t++)
        {
            _redis.Run($"TS.ADD raw {t} {t}");
        }
        _redis.Run("TS.CREATE sums");
        Assert.Equal("OK", _redis.Run("TS.CREATERULE raw sums AGGREGATION sum 30 BACKFILL"));
        Assert.Equal("[[0, 435], [30, 1335], [60, 2235]]", _redis.Run("TS.RANGE sums - +"));
        Assert.Equal("[[0, 435], [30, 1335], [60, 2235], [90, 945]]", _redis.Run("TS.RANGE sums - + LATEST"));
        Assert.Equal("[90, 945]", _redis.Run("TS.GET sums LATEST"));
        Assert.Equal("[60, 2235]", _redis.Run("TS.GET sums"));
        _redis.Run("TS.ADD raw 120 1");
        Assert.Equal("[90, 945]", _redis.Run("TS.GET sums"));
    }

    [Fact]
    public void WithoutBackfillARuleOnExistingDataStartsAtTheNextSample()
    {
        for (int t = 0; t < 100; t++)
        {
            _redis.Run($"TS.ADD raw {t} 1");
        }
        _redis.Run("TS.CREATE counts");
        _redis.Run("TS.CREATERULE raw counts AGGREGATION count 30");
        _redis.Run("TS.ADD raw 5 ON_DUPLICATE LAST".Replace("5 ON", "5 2 ON", StringComparison.Ordinal));
        _redis.Run("TS.ADD raw 130 1");
        Assert.Equal("[[90, 10]]", _redis.Run("TS.RANGE counts - +"));
    }

    [Fact]
    public void RuleErrorsMatchRedisTimeSeries()
    {
        _redis.Run("TS.CREATE a");
        _redis.Run("TS.CREATE b");
        _redis.Run("TS.CREATE c");
        Assert.Equal("OK", _redis.Run("TS.CREATERULE a b AGGREGATION avg 10"));
        Assert.Equal("ERR TSDB: the destination key already has a src rule", _redis.Run("TS.CREATERULE c b AGGREGATION avg 10"));
        Assert.Equal("OK", _redis.Run("TS.CREATERULE b c AGGREGATION avg 100"));
        Assert.Equal("ERR TSDB: the compaction rule would create a cycle", _redis.Run("TS.CREATERULE c a AGGREGATION avg 10"));
        Assert.Equal("ERR TSDB: compaction rule does not exist", _redis.Run("TS.DELETERULE a c"));
        Assert.Equal("OK", _redis.Run("TS.DELETERULE a b"));
        Assert.Contains("sourceKey, (nil)", _redis.Run("TS.INFO b"), StringComparison.Ordinal);
    }

    [Fact]
    public void DeletingADestinationRemovesTheRuleFromItsSource()
    {
        _redis.Run("TS.CREATE a");
        _redis.Run("TS.CREATE b");
        _redis.Run("TS.CREATERULE a b AGGREGATION avg 10");
        _redis.Run("DEL b");
        Assert.Contains("rules, []", _redis.Run("TS.INFO a"), StringComparison.Ordinal);
        Assert.Equal("1", _redis.Run("TS.ADD a 1 1"));
    }

    private static void AssertCompacted(Commands redis, string source, string destination, string aggregator, long duration, long align, ulong seed)
    {
        List<Sample> sourceSamples = redis.Samples(source);
        Assert.True(AggregationNames.TryParse(System.Text.Encoding.ASCII.GetBytes(aggregator), out AggregationType type));
        long open = Buckets.Start(sourceSamples[^1].Timestamp, duration, align);
        List<Sample> expected = RangeEvaluator.Aggregate(sourceSamples, new AggregationOptions(type, duration), align, long.MaxValue)
            .Where(s => s.Timestamp < open).ToList();
        List<Sample> actual = redis.Samples(destination);
        Assert.True(expected.Count == actual.Count, $"seed {seed} {source}->{destination}: {expected.Count} buckets expected, {actual.Count} actual");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(SampleComparer.Approximate.Equals(expected[i], actual[i]), $"seed {seed} {destination} bucket {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
