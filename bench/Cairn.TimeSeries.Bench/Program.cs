using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Primitives;
using Cairn.TimeSeries;
using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Arguments;
using Cairn.TimeSeries.Bench;
using Cairn.TimeSeries.Query;
using Cairn.TimeSeries.Series;

// Library-level numbers for issue 8: compression, ingest, aggregated range, MRANGE. Run with:
//   dotnet run -c Release --project bench/Cairn.TimeSeries.Bench
// Stopwatch medians rather than BenchmarkDotNet: the quantities are large (1M samples), and the whole run stays under a minute.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
if (args.Length > 0 && args[0] == "--codec")
{
    CodecSpeed();
    return;
}
Compression();
if (args.Length > 0 && args[0] == "--compression")
{
    return;
}
Ingest();
AggregatedRange();
MultiRange();

static void Compression()
{
    Console.WriteLine();
    Console.WriteLine("## Compression (bytes per sample, encoded chunk bytes / samples, CHUNK_SIZE 4096)");
    const int samplesPerSeries = 8640; // one day at 10 s
    foreach (int jitter in new[] { 0, 2, 10, 100, -5 })
    {
        // A negative jitter stands for a drifting clock: intervals of 10 s +-5 ms that accumulate (no fixed grid).
        var random = new SeededRandom(42);
        long totalBytes = 0;
        long totalSamples = 0;
        var perKind = new StringBuilder();
        foreach (Traces.MetricKind kind in Enum.GetValues<Traces.MetricKind>())
        {
            long kindBytes = 0;
            long kindSamples = 0;
            for (int series = 0; series < 20; series++)
            {
                long[] timestamps = jitter < 0
                    ? Traces.DriftingTimestamps(random, samplesPerSeries, -jitter)
                    : Traces.Timestamps(random, samplesPerSeries, jitter);
                double[] values = Traces.Values(random, kind, samplesPerSeries);
                TimeSeriesData data = Load(timestamps, values);
                kindBytes += EncodedBytes(data);
                kindSamples += data.TotalSamples;
            }
            perKind.Append(CultureInfo.InvariantCulture, $"{kind} {(double)kindBytes / kindSamples:F2}; ");
            totalBytes += kindBytes;
            totalSamples += kindSamples;
        }
        string trace = jitter < 0 ? $"drifting clock, intervals 10 s +-{-jitter} ms" : $"jitter 0..{jitter} ms";
        Console.WriteLine($"monitoring trace, {trace}: {(double)totalBytes / totalSamples:F3} B/sample over {totalSamples} samples ({perKind})");
        // Where the bits go: the same timestamps with a constant value cost the timestamp bits plus one bit per sample.
        var timestampRandom = new SeededRandom(42);
        long timestampBytes = 0;
        for (int series = 0; series < 20; series++)
        {
            long[] timestamps = jitter < 0
                ? Traces.DriftingTimestamps(timestampRandom, samplesPerSeries, -jitter)
                : Traces.Timestamps(timestampRandom, samplesPerSeries, jitter);
            timestampBytes += EncodedBytes(Load(timestamps, new double[samplesPerSeries]));
        }
        Console.WriteLine($"  timestamps alone (constant value): {(double)timestampBytes / (20 * samplesPerSeries):F3} B/sample");
    }
    {
        var random = new SeededRandom(7);
        long[] timestamps = Traces.Timestamps(random, 1_000_000, 0);
        double[] values = Traces.RandomWalk(random, 1_000_000);
        TimeSeriesData data = Load(timestamps, values);
        Console.WriteLine($"random-walk trace (full-precision doubles, regular 10 s): {(double)EncodedBytes(data) / data.TotalSamples:F3} B/sample over {data.TotalSamples} samples");
    }
}

// Encode and decode speed of today's chunk codec against the version-1 (Gorilla) one, same data, same process.
static void CodecSpeed()
{
    var random = new SeededRandom(9);
    long[] timestamps = Traces.Timestamps(random, 1_000_000, 2);
    double[] values = Traces.Values(random, Traces.MetricKind.PercentOneDecimal, 1_000_000);
    const int chunkSamples = 2000;
    var samples = new Sample[chunkSamples];
    foreach (string codec in new[] { "v1 Gorilla", "v2", "v1 Gorilla", "v2" })
    {
        var chunks = new List<Cairn.TimeSeries.Codec.Chunk>();
        var stopwatch = Stopwatch.StartNew();
        for (int start = 0; start < timestamps.Length; start += chunkSamples)
        {
            Cairn.TimeSeries.Codec.Chunk chunk = codec == "v2"
                ? new Cairn.TimeSeries.Codec.CompressedChunk(1 << 16)
                : new Cairn.TimeSeries.Codec.GorillaChunkV1(1 << 16);
            for (int i = start; i < start + chunkSamples; i++)
            {
                chunk.Append(timestamps[i], values[i]);
            }
            chunks.Add(chunk);
        }
        double encodeMs = stopwatch.Elapsed.TotalMilliseconds;
        stopwatch.Restart();
        foreach (var chunk in chunks)
        {
            chunk.Decode(samples);
        }
        double decodeMs = stopwatch.Elapsed.TotalMilliseconds;
        Console.WriteLine($"{codec}: encode {encodeMs:F0} ms, decode {decodeMs:F0} ms per 1M samples");
    }
}

static TimeSeriesData Load(long[] timestamps, double[] values)
{
    var series = new TimeSeriesData("k"u8.ToArray(), new SeriesOptions());
    for (int i = 0; i < timestamps.Length; i++)
    {
        series.Upsert(timestamps[i], values[i], DuplicatePolicy.Block, out _, out _);
    }
    return series;
}

static long EncodedBytes(TimeSeriesData series)
{
    long bytes = 0;
    foreach (var chunk in series.Chunks)
    {
        bytes += chunk.SizeBytes;
    }
    return bytes;
}

static void Ingest()
{
    Console.WriteLine();
    Console.WriteLine("## Ingest (1M samples, one series, in order, through TimeSeriesStore.Add)");
    var random = new SeededRandom(1);
    long[] timestamps = Traces.Timestamps(random, 1_000_000, 2);
    double[] values = Traces.Values(random, Traces.MetricKind.PercentOneDecimal, 1_000_000);
    var arguments = new AddArguments[timestamps.Length];
    byte[] key = "ingest"u8.ToArray();
    var options = new SeriesOptions();
    for (int i = 0; i < arguments.Length; i++)
    {
        arguments[i] = new AddArguments(key, timestamps[i], values[i], options, null);
    }
    foreach (string variant in new[] { "plain", "with 2 chained rules (avg 1m -> max 1h)", "10% late samples (up to 1000 positions)" })
    {
        var samplesPerSecond = new List<double>();
        for (int run = 0; run < 3; run++)
        {
            var store = new TimeSeriesStore(new InMemorySeriesKeyspace());
            AddArguments[] input = arguments;
            if (variant.StartsWith("with", StringComparison.Ordinal))
            {
                store.Create(new CreateArguments(key, options));
                store.Create(new CreateArguments("m"u8.ToArray(), options));
                store.Create(new CreateArguments("h"u8.ToArray(), options));
                store.CreateRule(new CreateRuleArguments(key, "m"u8.ToArray(), AggregationType.Avg, 60_000, 0, false));
                store.CreateRule(new CreateRuleArguments("m"u8.ToArray(), "h"u8.ToArray(), AggregationType.Max, 3_600_000, 0, false));
            }
            else if (variant.StartsWith("10%", StringComparison.Ordinal))
            {
                // 10% of the samples arrive late, each delayed by up to 1000 positions (under 3 hours at 10 s).
                var shuffle = new SeededRandom(5);
                var delivery = new long[arguments.Length];
                for (int i = 0; i < delivery.Length; i++)
                {
                    delivery[i] = (i * 2048L) + (shuffle.NextInt(10) == 0 ? 2048L * (1 + shuffle.NextInt(1000)) + 1 : 0);
                }
                input = (AddArguments[])arguments.Clone();
                Array.Sort(delivery, input);
            }
            var stopwatch = Stopwatch.StartNew();
            foreach (AddArguments add in input)
            {
                TsResult<long> result = store.Add(add, 0);
                Invariant.Require(!result.IsError, "ingest failed");
            }
            stopwatch.Stop();
            samplesPerSecond.Add(input.Length / stopwatch.Elapsed.TotalSeconds);
        }
        samplesPerSecond.Sort();
        Console.WriteLine($"{variant}: median {samplesPerSecond[1] / 1e6:F2} M samples/s (runs: {string.Join(", ", samplesPerSecond.Select(v => (v / 1e6).ToString("F2", CultureInfo.InvariantCulture)))})");
    }
}

static void AggregatedRange()
{
    Console.WriteLine();
    Console.WriteLine("## TS.RANGE with AGGREGATION over 1M samples (one series, 10 s interval, ~116 days)");
    var random = new SeededRandom(2);
    long[] timestamps = Traces.Timestamps(random, 1_000_000, 2);
    double[] values = Traces.Values(random, Traces.MetricKind.PercentOneDecimal, 1_000_000);
    var keyspace = new InMemorySeriesKeyspace();
    var store = new TimeSeriesStore(keyspace);
    byte[] key = "range"u8.ToArray();
    foreach (var (t, v) in timestamps.Zip(values))
    {
        store.Add(new AddArguments(key, t, v, new SeriesOptions(), null), 0);
    }
    foreach (var (name, aggregation) in new[]
    {
        ("avg 1h", new AggregationOptions(AggregationType.Avg, 3_600_000)),
        ("max 1m", new AggregationOptions(AggregationType.Max, 60_000)),
        ("twa 1d", new AggregationOptions(AggregationType.TimeWeightedAverage, 86_400_000)),
        ("std.s 1h EMPTY", new AggregationOptions(AggregationType.StandardDeviationSample, 3_600_000, Empty: true)),
    })
    {
        var arguments = new RangeArguments(key, new RangeOptions { Aggregation = aggregation });
        int buckets = 0;
        double median = Median(7, () => buckets = store.Range(arguments, reverse: false).Value!.Count);
        Console.WriteLine($"AGGREGATION {name}: median {median:F1} ms ({buckets} buckets)");
    }
    var partial = new RangeArguments(key, new RangeOptions
    {
        FromTimestamp = timestamps[500_000],
        ToTimestamp = timestamps[500_000] + 3_600_000,
        Aggregation = new AggregationOptions(AggregationType.Avg, 60_000),
    });
    double partialMedian = Median(21, () => store.Range(partial, reverse: false));
    Console.WriteLine($"one hour out of the middle, AGGREGATION avg 1m: median {partialMedian * 1000:F0} µs (reads only the overlapping chunks)");
}

static void MultiRange()
{
    Console.WriteLine();
    Console.WriteLine("## TS.MRANGE over 1000 series (1000 samples each, FILTER on an indexed label)");
    var random = new SeededRandom(3);
    var store = new TimeSeriesStore(new InMemorySeriesKeyspace());
    for (int s = 0; s < 2000; s++)
    {
        byte[] key = Encoding.UTF8.GetBytes($"host:{s}:cpu");
        var labels = new List<Label> { new("metric", s < 1000 ? "cpu" : "mem"), new("dc", "dc" + (s % 4)) };
        store.Create(new CreateArguments(key, new SeriesOptions { Labels = labels }));
        long[] timestamps = Traces.Timestamps(random, 1000, 2);
        double[] values = Traces.Values(random, Traces.MetricKind.PercentOneDecimal, 1000);
        for (int i = 0; i < timestamps.Length; i++)
        {
            store.Add(new AddArguments(key, timestamps[i], values[i], new SeriesOptions(), null), 0);
        }
    }
    var filter = new List<LabelMatcher> { new("metric", false, ["cpu"]) };
    var cases = new (string Name, MultiRangeArguments Arguments)[]
    {
        ("raw samples", new MultiRangeArguments(new RangeOptions(), LabelSelection.None, filter, null)),
        ("AGGREGATION avg 1h WITHLABELS", new MultiRangeArguments(
            new RangeOptions { Aggregation = new AggregationOptions(AggregationType.Avg, 3_600_000) }, new LabelSelection(true, null), filter, null)),
        ("AGGREGATION max 5m GROUPBY dc REDUCE avg", new MultiRangeArguments(
            new RangeOptions { Aggregation = new AggregationOptions(AggregationType.Max, 300_000) }, LabelSelection.None, filter,
            new GroupByOptions("dc", AggregationType.Avg))),
    };
    foreach (var (name, arguments) in cases)
    {
        int series = 0;
        double median = Median(7, () => series = store.MultiRange(arguments, reverse: false).Count);
        Console.WriteLine($"{name}: median {median:F1} ms ({series} series in the reply)");
    }
}

static double Median(int runs, Action action)
{
    action();
    var times = new List<double>(runs);
    for (int i = 0; i < runs; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        times.Add(stopwatch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[runs / 2];
}
