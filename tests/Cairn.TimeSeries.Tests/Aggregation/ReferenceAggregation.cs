using Cairn.TimeSeries.Aggregation;

namespace Cairn.TimeSeries.Tests.Aggregation;

/// <summary>The straightforward computation the aggregators are checked against: group, then compute each bucket from scratch.</summary>
internal static class ReferenceAggregation
{
    public static List<Sample> Compute(List<Sample> samples, AggregationOptions options, long alignment)
    {
        long d = options.BucketDurationMilliseconds;
        long StartOf(long t) => alignment + (long)Math.Floor((t - alignment) / (double)d) * d;
        var buckets = samples.GroupBy(s => StartOf(s.Timestamp)).OrderBy(g => g.Key).ToList();
        var result = new List<Sample>();
        long? previousStart = null;
        foreach (var bucket in buckets)
        {
            long start = bucket.Key;
            List<Sample> inBucket = [.. bucket];
            Sample? before = samples.LastOrDefault(s => s.Timestamp < start) is { Timestamp: var bt } b && bt < start && samples.Any(s => s.Timestamp < start) ? b : null;
            Sample? after = samples.FirstOrDefault(s => s.Timestamp >= start + d) is var a && samples.Any(s => s.Timestamp >= start + d) ? a : null;
            if (options.Empty && previousStart is { } ps)
            {
                for (long gap = ps + d; gap < start; gap += d)
                {
                    result.Add(new Sample(Reported(gap, options), EmptyValue(options.Type, gap, gap + d, before, inBucket[0])));
                }
            }
            result.Add(new Sample(Reported(start, options), Value(options.Type, inBucket, start, start + d, before, after)));
            previousStart = start;
        }
        return result;
    }

    private static long Reported(long start, AggregationOptions options) => Math.Max(0, options.BucketTimestamp switch
    {
        BucketTimestampMode.End => start + options.BucketDurationMilliseconds,
        BucketTimestampMode.Mid => start + (options.BucketDurationMilliseconds / 2),
        _ => start,
    });

    private static double EmptyValue(AggregationType type, long start, long end, Sample? before, Sample? after) => type switch
    {
        AggregationType.Sum or AggregationType.Count => 0,
        AggregationType.Last => before?.Value ?? double.NaN,
        AggregationType.TimeWeightedAverage when before is { } b && after is { } a =>
            (Line(b, a, start) + Line(b, a, end)) / 2,
        _ => double.NaN,
    };

    private static double Line(Sample left, Sample right, long t) =>
        left.Value + ((right.Value - left.Value) * (t - left.Timestamp) / (right.Timestamp - left.Timestamp));

    private static double Value(AggregationType type, List<Sample> bucket, long start, long end, Sample? before, Sample? after)
    {
        List<double> v = bucket.Select(s => s.Value).Where(x => !double.IsNaN(x)).ToList();
        if (v.Count == 0)
        {
            return type == AggregationType.Count ? 0 : double.NaN;
        }
        double mean = v.Average();
        double squares = v.Sum(x => (x - mean) * (x - mean));
        switch (type)
        {
            case AggregationType.Avg: return v.Sum() / v.Count;
            case AggregationType.Sum: return v.Sum();
            case AggregationType.Min: return v.Min();
            case AggregationType.Max: return v.Max();
            case AggregationType.Range: return v.Max() - v.Min();
            case AggregationType.Count: return v.Count;
            case AggregationType.First: return v[0];
            case AggregationType.Last: return v[^1];
            case AggregationType.VariancePopulation: return squares / v.Count;
            case AggregationType.VarianceSample: return v.Count > 1 ? squares / (v.Count - 1) : 0;
            case AggregationType.StandardDeviationPopulation: return Math.Sqrt(squares / v.Count);
            case AggregationType.StandardDeviationSample: return v.Count > 1 ? Math.Sqrt(squares / (v.Count - 1)) : 0;
            default:
                var points = bucket.Where(s => !double.IsNaN(s.Value)).ToList();
                if (before is { } b && !double.IsNaN(b.Value) && points[0].Timestamp > start)
                {
                    points.Insert(0, new Sample(start, Line(b, points[0], start)));
                }
                if (after is { } a && !double.IsNaN(a.Value) && points[^1].Timestamp < end)
                {
                    points.Add(new Sample(end, Line(points[^1], a, end)));
                }
                long span = points[^1].Timestamp - points[0].Timestamp;
                if (span == 0)
                {
                    return points[0].Value;
                }
                double area = 0;
                for (int i = 1; i < points.Count; i++)
                {
                    area += (points[i].Timestamp - points[i - 1].Timestamp) * (points[i].Value + points[i - 1].Value) / 2;
                }
                return area / span;
        }
    }
}
