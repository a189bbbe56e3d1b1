using Cairn.TimeSeries.Aggregation;

namespace Cairn.TimeSeries.Query;

/// <summary>
/// Turns the raw samples of a range (ascending, already clamped to [from, to]) into a reply: filters, then aggregation into
/// buckets (with EMPTY filling the gaps between non-empty buckets, as RedisTimeSeries does), then direction and COUNT.
/// Pure: no series access, so the reference tests can drive it with plain lists.
/// </summary>
internal static class RangeEvaluator
{
    public static List<Sample> Evaluate(List<Sample> samples, RangeOptions options, bool reverse)
    {
        List<Sample> filtered = ApplyFilters(samples, options);
        List<Sample> result;
        if (options.Aggregation is { } aggregation)
        {
            // Forward COUNT can stop early; reverse COUNT must see the newest buckets, so it aggregates everything first.
            long limit = reverse || options.Count is null ? long.MaxValue : options.Count.Value;
            result = Aggregate(filtered, aggregation, options.ResolveAlignment(), limit);
        }
        else
        {
            result = filtered;
        }
        if (reverse)
        {
            result.Reverse();
        }
        if (options.Count is { } count && result.Count > count)
        {
            result.RemoveRange((int)count, result.Count - (int)count);
        }
        return result;
    }

    public static List<Sample> ApplyFilters(List<Sample> samples, RangeOptions options)
    {
        long[]? timestamps = options.FilterByTimestamps;
        if (timestamps is null && !options.FilterByValue)
        {
            return samples;
        }
        var filtered = new List<Sample>();
        foreach (Sample sample in samples)
        {
            if (timestamps is not null && Array.BinarySearch(timestamps, sample.Timestamp) < 0)
            {
                continue;
            }
            if (options.FilterByValue && !(sample.Value >= options.MinimumValue && sample.Value <= options.MaximumValue))
            {
                continue;
            }
            filtered.Add(sample);
        }
        return filtered;
    }

    public static List<Sample> Aggregate(List<Sample> samples, AggregationOptions aggregation, long alignment, long maximumBuckets)
    {
        var result = new List<Sample>();
        var aggregator = new Aggregator(aggregation.Type);
        long duration = aggregation.BucketDurationMilliseconds;
        Sample? previous = null;
        long previousBucketStart = 0;
        bool anyBucket = false;
        int index = 0;
        while (index < samples.Count && result.Count < maximumBuckets)
        {
            long start = Buckets.Start(samples[index].Timestamp, duration, alignment);
            long end = start + duration;
            if (aggregation.Empty && anyBucket)
            {
                for (long gap = previousBucketStart + duration; gap < start && result.Count < maximumBuckets; gap += duration)
                {
                    double empty = Aggregator.EmptyBucketValue(aggregation.Type, gap, gap + duration, previous, samples[index]);
                    result.Add(new Sample(Buckets.ReportedTimestamp(gap, duration, aggregation.BucketTimestamp), empty));
                }
                if (result.Count >= maximumBuckets)
                {
                    break;
                }
            }
            aggregator.Reset();
            int next = index;
            while (next < samples.Count && samples[next].Timestamp < end)
            {
                aggregator.Add(samples[next].Timestamp, samples[next].Value);
                next++;
            }
            Sample? following = next < samples.Count ? samples[next] : null;
            double value = aggregator.Result(start, end, previous, following);
            result.Add(new Sample(Buckets.ReportedTimestamp(start, duration, aggregation.BucketTimestamp), value));
            previous = samples[next - 1];
            previousBucketStart = start;
            anyBucket = true;
            index = next;
        }
        return result;
    }
}
