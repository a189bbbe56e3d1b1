using Cairn.Primitives;
using Cairn.TimeSeries.Codec;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Tests.Series;

/// <summary>
/// Random adds (in order, late, duplicates under every policy) and range deletes against a sorted-dictionary model, with
/// tiny chunks so that sealing, rewriting and splitting happen constantly.
/// </summary>
public sealed class SeriesModelTests
{
    [Theory]
    [InlineData(ChunkEncoding.Compressed, 48)]
    [InlineData(ChunkEncoding.Compressed, 256)]
    [InlineData(ChunkEncoding.Uncompressed, 48)]
    [InlineData(ChunkEncoding.Uncompressed, 4096)]
    public void RandomOperationsMatchASortedModel(ChunkEncoding encoding, int chunkSizeBytes)
    {
        for (int run = 0; run < 40; run++)
        {
            ulong seed = TestValues.Seed(run) ^ (ulong)chunkSizeBytes;
            var random = new SeededRandom(seed);
            var series = new TimeSeriesData("k"u8.ToArray(), new SeriesOptions { Encoding = encoding, ChunkSizeBytes = chunkSizeBytes });
            var model = new SortedDictionary<long, double>();
            long high = 0;
            for (int step = 0; step < 400; step++)
            {
                int action = random.NextInt(20);
                if (action == 0 && model.Count > 0)
                {
                    long from = random.NextInt((int)high + 1);
                    long to = from + random.NextInt(200);
                    long removed = series.DeleteRange(from, to);
                    long expected = model.Keys.Count(t => t >= from && t <= to);
                    foreach (long key in model.Keys.Where(t => t >= from && t <= to).ToList())
                    {
                        model.Remove(key);
                    }
                    Assert.True(expected == removed, $"seed {seed} step {step}: delete count");
                    continue;
                }
                long timestamp = action < 12 ? high + 1 + random.NextInt(20) : random.NextInt((int)high + 2);
                high = Math.Max(high, timestamp);
                double value = random.NextInt(10) == 0 ? TestValues.NextDouble(random) : random.NextInt(1000);
                var policy = (DuplicatePolicy)(1 + random.NextInt(6));
                AddOutcome outcome = series.Upsert(timestamp, value, policy, out _, out _);
                ApplyToModel(model, timestamp, value, policy, outcome, seed, step);
                AssertInvariants(series, model, seed, step);
            }
            var all = new List<Sample>();
            series.CollectRange(long.MinValue, long.MaxValue, all);
            Assert.Equal(model.Select(p => new Sample(p.Key, p.Value)).ToList(), all, SampleComparer.BitExact);
            for (int query = 0; query < 30; query++)
            {
                long from = random.NextInt((int)high + 1);
                long to = from + random.NextInt(300);
                var range = new List<Sample>();
                series.CollectRange(from, to, range);
                var expected = model.Where(p => p.Key >= from && p.Key <= to).Select(p => new Sample(p.Key, p.Value)).ToList();
                Assert.Equal(expected, range, SampleComparer.BitExact);
            }
        }
    }

    [Fact]
    public void BlockPolicyRejectsAnExistingTimestampAndKeepsTheValue()
    {
        var series = new TimeSeriesData("k"u8.ToArray(), new SeriesOptions());
        series.Upsert(10, 1, DuplicatePolicy.Block, out _, out _);
        Assert.Equal(AddOutcome.Blocked, series.Upsert(10, 2, DuplicatePolicy.Block, out _, out _));
        Assert.Equal(1, series.LastSample!.Value.Value);
    }

    [Fact]
    public void IgnoreDropsCloseInOrderSamplesUnderLastPolicyAndRepliesTheLastTimestamp()
    {
        var series = new TimeSeriesData("k"u8.ToArray(), new SeriesOptions
        {
            IgnoreMaxTimeDifferenceMilliseconds = 5,
            IgnoreMaxValueDifference = 0.5,
        });
        series.Upsert(100, 10, DuplicatePolicy.Last, out _, out _);
        Assert.Equal(AddOutcome.Ignored, series.Upsert(103, 10.2, DuplicatePolicy.Last, out _, out long replied));
        Assert.Equal(100, replied);
        Assert.Equal(AddOutcome.Added, series.Upsert(106, 10.2, DuplicatePolicy.Last, out _, out _));
        Assert.Equal(AddOutcome.Added, series.Upsert(107, 11, DuplicatePolicy.Last, out _, out _));
        Assert.Equal(AddOutcome.Added, series.Upsert(108, 11, DuplicatePolicy.Max, out _, out _));
    }

    [Fact]
    public void RetentionTrimsWholeChunksAndRejectsSamplesOlderThanTheWindow()
    {
        var series = new TimeSeriesData("k"u8.ToArray(), new SeriesOptions { RetentionMilliseconds = 1000, ChunkSizeBytes = 64 });
        for (long t = 0; t <= 10_000; t += 10)
        {
            series.Upsert(t, t, DuplicatePolicy.Block, out _, out _);
        }
        // Whole chunks go: the oldest chunk kept is the one that reaches into the window.
        Assert.True(series.Chunks[0].LastTimestamp >= 9000, $"first chunk ends at {series.Chunks[0].LastTimestamp}");
        Assert.True(series.FirstTimestamp < 9000 && series.ChunkCount < 1001 / 10, $"first {series.FirstTimestamp}, {series.ChunkCount} chunks");
        Assert.Equal(AddOutcome.TooOld, series.Upsert(8500, 1, DuplicatePolicy.Last, out _, out _));
        var range = new List<Sample>();
        series.CollectRange(0, long.MaxValue, range);
        Assert.Equal(9000, range[0].Timestamp);
        Assert.Equal(AddOutcome.Added, series.Upsert(9005, 1, DuplicatePolicy.Last, out _, out _));
    }

    [Fact]
    public void ARangeQueryDecodesOnlyOverlappingChunks()
    {
        var series = new TimeSeriesData("k"u8.ToArray(), new SeriesOptions { ChunkSizeBytes = 64 });
        for (long t = 0; t < 100_000; t++)
        {
            series.Upsert(t, t % 7, DuplicatePolicy.Block, out _, out _);
        }
        Assert.True(series.ChunkCount > 100);
        var range = new List<Sample>();
        series.CollectRange(50_000, 50_002, range);
        Assert.Equal([50_000, 50_001, 50_002], range.Select(s => s.Timestamp));
    }

    private static void ApplyToModel(SortedDictionary<long, double> model, long timestamp, double value, DuplicatePolicy policy,
        AddOutcome outcome, ulong seed, int step)
    {
        if (!model.TryGetValue(timestamp, out double existing))
        {
            Assert.True(outcome == AddOutcome.Added, $"seed {seed} step {step}: new timestamp gave {outcome}");
            model[timestamp] = value;
            return;
        }
        AddOutcome expected = policy switch
        {
            DuplicatePolicy.Block => AddOutcome.Blocked,
            DuplicatePolicy.First => AddOutcome.Ignored,
            _ => AddOutcome.Updated,
        };
        Assert.True(expected == outcome, $"seed {seed} step {step}: duplicate under {policy} gave {outcome}");
        model[timestamp] = policy switch
        {
            DuplicatePolicy.Last => value,
            DuplicatePolicy.Min => value < existing ? value : existing,
            DuplicatePolicy.Max => value > existing ? value : existing,
            DuplicatePolicy.Sum => existing + value,
            _ => existing,
        };
    }

    private static void AssertInvariants(TimeSeriesData series, SortedDictionary<long, double> model, ulong seed, int step)
    {
        Assert.True(series.TotalSamples == model.Count, $"seed {seed} step {step}: total {series.TotalSamples} vs {model.Count}");
        long previousLast = long.MinValue;
        long sum = 0;
        foreach (Chunk chunk in series.Chunks)
        {
            Assert.True(chunk.Count > 0, $"seed {seed} step {step}: empty chunk");
            Assert.True(chunk.FirstTimestamp > previousLast, $"seed {seed} step {step}: overlapping chunks");
            previousLast = chunk.LastTimestamp;
            sum += chunk.Count;
        }
        Assert.Equal(model.Count, sum);
    }
}
