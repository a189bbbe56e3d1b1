using Cairn.Primitives;
using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Tests.Aggregation;

public sealed class AggregationReferenceTests
{
    public static TheoryData<AggregationType> AllAggregators()
    {
        var data = new TheoryData<AggregationType>();
        foreach (AggregationType type in Enum.GetValues<AggregationType>())
        {
            data.Add(type);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllAggregators))]
    public void EveryAggregatorMatchesTheReferenceOnRandomData(AggregationType type)
    {
        for (int run = 0; run < 60; run++)
        {
            ulong seed = TestValues.Seed(run) + (ulong)type * 1000;
            var random = new SeededRandom(seed);
            List<Sample> samples = RandomSamples(random, allowNaN: type != AggregationType.TimeWeightedAverage || run % 2 == 0);
            var options = new AggregationOptions(type, 1 + random.NextInt(500),
                (BucketTimestampMode)random.NextInt(3), Empty: random.NextInt(2) == 0);
            long alignment = random.NextInt(3) == 0 ? 0 : random.NextInt(10_000);
            List<Sample> expected = ReferenceAggregation.Compute(samples, options, alignment);
            List<Sample> actual = RangeEvaluator.Aggregate(samples, options, alignment, long.MaxValue);
            Assert.True(expected.Count == actual.Count, $"seed {seed}: {expected.Count} buckets expected, {actual.Count} actual");
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.True(SampleComparer.Approximate.Equals(expected[i], actual[i]),
                    $"seed {seed} bucket {i}: expected {expected[i]}, actual {actual[i]}");
            }
        }
    }

    [Fact]
    public void BucketStartsAlignToTheAlignmentForNegativeOffsets()
    {
        Assert.Equal(0, Buckets.Start(5, 10, 0));
        Assert.Equal(-5, Buckets.Start(-1, 10, 5));
        Assert.Equal(3, Buckets.Start(12, 10, 3));
        Assert.Equal(13, Buckets.Start(13, 10, 3));
    }

    [Fact]
    public void RangeWithCountReturnsTheFirstBucketsForwardAndTheLastBucketsReversed()
    {
        var samples = Enumerable.Range(0, 100).Select(i => new Sample(i, i)).ToList();
        var options = new RangeOptions { Aggregation = new AggregationOptions(AggregationType.Sum, 10), Count = 2 };
        Assert.Equal([new Sample(0, 45), new Sample(10, 145)], RangeEvaluator.Evaluate([.. samples], options, reverse: false));
        Assert.Equal([new Sample(90, 945), new Sample(80, 845)], RangeEvaluator.Evaluate([.. samples], options, reverse: true));
    }

    [Fact]
    public void AlignStartMakesBucketsBeginAtTheQueryStart()
    {
        var samples = Enumerable.Range(0, 30).Select(i => new Sample(i, 1)).ToList();
        var options = new RangeOptions
        {
            FromTimestamp = 5,
            Align = AlignMode.Start,
            Aggregation = new AggregationOptions(AggregationType.Count, 10),
        };
        List<Sample> result = RangeEvaluator.Evaluate(samples.Where(s => s.Timestamp >= 5).ToList(), options, reverse: false);
        Assert.Equal([new Sample(5, 10), new Sample(15, 10), new Sample(25, 5)], result);
    }

    [Fact]
    public void FiltersApplyBeforeAggregation()
    {
        var samples = Enumerable.Range(0, 20).Select(i => new Sample(i, i)).ToList();
        var options = new RangeOptions
        {
            FilterByValue = true,
            MinimumValue = 5,
            MaximumValue = 14,
            FilterByTimestamps = [5, 6, 7, 12, 19],
            Aggregation = new AggregationOptions(AggregationType.Count, 10),
        };
        Assert.Equal([new Sample(0, 3), new Sample(10, 1)], RangeEvaluator.Evaluate(samples, options, reverse: false));
    }

    [Fact]
    public void TimeWeightedAverageInterpolatesToTheBucketEdges()
    {
        // A line from (0, 0) to (20, 20): the bucket [10, 20) sees only (15, 15) but interpolates 10 at its start and 20 at its end.
        List<Sample> samples = [new(0, 0), new(15, 15), new(20, 20)];
        List<Sample> result = RangeEvaluator.Aggregate(samples, new AggregationOptions(AggregationType.TimeWeightedAverage, 10), 0, long.MaxValue);
        Assert.Equal(new Sample(10, 15), result[1]);
    }

    [Fact]
    public void EmptyFillsGapsWithZeroForSumAndTheLastValueForLast()
    {
        List<Sample> samples = [new(0, 3), new(35, 4)];
        Assert.Equal([new(0, 3), new(10, 0), new(20, 0), new(30, 4)],
            RangeEvaluator.Aggregate(samples, new AggregationOptions(AggregationType.Sum, 10, Empty: true), 0, long.MaxValue));
        Assert.Equal([new(0, 3), new(10, 3), new(20, 3), new(30, 4)],
            RangeEvaluator.Aggregate(samples, new AggregationOptions(AggregationType.Last, 10, Empty: true), 0, long.MaxValue));
        List<Sample> max = RangeEvaluator.Aggregate(samples, new AggregationOptions(AggregationType.Max, 10, Empty: true), 0, long.MaxValue);
        Assert.True(double.IsNaN(max[1].Value));
    }

    private static List<Sample> RandomSamples(SeededRandom random, bool allowNaN)
    {
        var samples = new List<Sample>();
        long timestamp = random.NextInt(1000);
        int count = random.NextInt(300);
        double level = random.NextDouble() * 100;
        for (int i = 0; i < count; i++)
        {
            level += random.NextDouble() - 0.5;
            double value = allowNaN && random.NextInt(25) == 0 ? double.NaN : level;
            samples.Add(new Sample(timestamp, value));
            timestamp += random.NextInt(8) == 0 ? 1 + random.NextInt(3000) : 1 + random.NextInt(40);
        }
        return samples;
    }
}
