using Cairn.Primitives;

namespace Cairn.TimeSeries.Bench;

/// <summary>
/// Synthetic traces, seeded. The monitoring trace imitates what a Prometheus-style scraper stores every 10 s for one host:
/// the scrape time jitters by a few milliseconds around the schedule, and the metrics are a mix of counters, integer
/// gauges that change now and then, rounded float gauges, and constants.
/// </summary>
internal static class Traces
{
    public const long IntervalMilliseconds = 10_000;

    public enum MetricKind
    {
        /// <summary>A request counter: integer increments every scrape (Poisson-ish around 20).</summary>
        Counter,

        /// <summary>An integer gauge (connections, queue length) that moves by a little about a third of the time.</summary>
        IntegerGauge,

        /// <summary>Memory in bytes: changes in 4 KiB pages about a fifth of the time.</summary>
        MemoryBytes,

        /// <summary>A percentage with one decimal (CPU): a slow wave plus noise, so it changes almost every scrape.</summary>
        PercentOneDecimal,

        /// <summary>A value that never changes (up == 1, a configured limit).</summary>
        Constant,
    }

    /// <summary>Scrape timestamps: every 10 s plus a per-scrape delay of 0..maxJitter ms (not accumulating).</summary>
    public static long[] Timestamps(IRandomSource random, int count, int maximumJitterMilliseconds)
    {
        var timestamps = new long[count];
        long start = 1_700_000_000_000;
        for (int i = 0; i < count; i++)
        {
            long jitter = maximumJitterMilliseconds == 0 ? 0 : random.NextInt(maximumJitterMilliseconds + 1);
            timestamps[i] = start + (i * IntervalMilliseconds) + jitter;
        }
        return timestamps;
    }

    /// <summary>A scraper whose clock drifts: each interval is 10 s plus -maxJitter..+maxJitter ms, accumulating.</summary>
    public static long[] DriftingTimestamps(IRandomSource random, int count, int maximumJitterMilliseconds)
    {
        var timestamps = new long[count];
        long timestamp = 1_700_000_000_000;
        for (int i = 0; i < count; i++)
        {
            timestamps[i] = timestamp;
            timestamp += IntervalMilliseconds + random.NextInt((2 * maximumJitterMilliseconds) + 1) - maximumJitterMilliseconds;
        }
        return timestamps;
    }

    public static double[] Values(IRandomSource random, MetricKind kind, int count)
    {
        var values = new double[count];
        double level = kind switch
        {
            MetricKind.Counter => random.NextInt(1_000_000),
            MetricKind.IntegerGauge => 50 + random.NextInt(50),
            MetricKind.MemoryBytes => 4096.0 * (100_000 + random.NextInt(100_000)),
            MetricKind.PercentOneDecimal => 20 + random.NextInt(60),
            _ => 1,
        };
        double phase = random.NextDouble() * Math.PI * 2;
        for (int i = 0; i < count; i++)
        {
            switch (kind)
            {
                case MetricKind.Counter:
                    level += 15 + random.NextInt(11);
                    values[i] = level;
                    break;
                case MetricKind.IntegerGauge:
                    if (random.NextInt(3) == 0)
                    {
                        level = Math.Max(0, level + random.NextInt(5) - 2);
                    }
                    values[i] = level;
                    break;
                case MetricKind.MemoryBytes:
                    if (random.NextInt(5) == 0)
                    {
                        level += 4096.0 * (random.NextInt(201) - 100);
                    }
                    values[i] = level;
                    break;
                case MetricKind.PercentOneDecimal:
                    double wave = level + (10 * Math.Sin(phase + (i / 360.0))) + ((random.NextDouble() - 0.5) * 2);
                    values[i] = Math.Round(Math.Clamp(wave, 0, 100), 1);
                    break;
                default:
                    values[i] = level;
                    break;
            }
        }
        return values;
    }

    /// <summary>A Gaussian-ish random walk on full-precision doubles: the worst case for XOR encoding.</summary>
    public static double[] RandomWalk(IRandomSource random, int count)
    {
        var values = new double[count];
        double level = 100;
        for (int i = 0; i < count; i++)
        {
            level += (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2;
            values[i] = level;
        }
        return values;
    }
}
