namespace Cairn.TimeSeries.Aggregation;

/// <summary>
/// Accumulates the samples of one bucket, in timestamp order, for one aggregator; reusable through <see cref="Reset"/>.
/// NaN samples are ignored by every aggregator (a bucket of only NaNs reports NaN, and count 0).
/// Variance uses Welford's update so that large offsets do not cancel.
///
/// twa (time-weighted average) follows RedisTimeSeries's definition: the samples are joined by straight lines; when a sample
/// exists before the bucket, the line is interpolated to the bucket start, and when one exists at or after the bucket end,
/// to the bucket end; the result is the area under that line divided by its time span, or the single value when the span
/// is zero. Not thread-safe.
/// </summary>
internal sealed class Aggregator
{
    private readonly AggregationType _type;
    private long _count;
    private double _sum;
    private double _min;
    private double _max;
    private double _mean;
    private double _squaredDeviations;
    private Sample _first;
    private Sample _last;
    private double _area;
    private bool _hasSamples;

    public Aggregator(AggregationType type)
    {
        _type = type;
        Reset();
    }

    public AggregationType Type => _type;

    /// <summary>True once any sample (NaN included) was added since the last reset.</summary>
    public bool HasSamples => _hasSamples;

    /// <summary>The last non-NaN sample added (valid when <see cref="Count"/> &gt; 0).</summary>
    public Sample LastSample => _last;

    public long Count => _count;

    public void Reset()
    {
        _count = 0;
        _sum = 0;
        _min = double.PositiveInfinity;
        _max = double.NegativeInfinity;
        _mean = 0;
        _squaredDeviations = 0;
        _area = 0;
        _hasSamples = false;
    }

    /// <summary>Adds a sample. REQUIRES timestamps increasing across calls since the last reset.</summary>
    public void Add(long timestamp, double value)
    {
        _hasSamples = true;
        if (double.IsNaN(value))
        {
            return;
        }
        if (_count == 0)
        {
            _first = new Sample(timestamp, value);
        }
        else if (_type == AggregationType.TimeWeightedAverage)
        {
            _area += (timestamp - _last.Timestamp) * ((_last.Value + value) / 2);
        }
        _last = new Sample(timestamp, value);
        _count++;
        _sum += value;
        if (value < _min)
        {
            _min = value;
        }
        if (value > _max)
        {
            _max = value;
        }
        double delta = value - _mean;
        _mean += delta / _count;
        _squaredDeviations += delta * (value - _mean);
    }

    /// <summary>
    /// The bucket's value. <paramref name="previous"/> and <paramref name="next"/> are the nearest samples outside the bucket
    /// (only twa uses them). REQUIRES <see cref="HasSamples"/>.
    /// </summary>
    public double Result(long bucketStart, long bucketEnd, Sample? previous, Sample? next)
    {
        if (_count == 0)
        {
            return _type == AggregationType.Count ? 0 : double.NaN;
        }
        return _type switch
        {
            AggregationType.Avg => _sum / _count,
            AggregationType.Sum => _sum,
            AggregationType.Min => _min,
            AggregationType.Max => _max,
            AggregationType.Range => _max - _min,
            AggregationType.Count => _count,
            AggregationType.First => _first.Value,
            AggregationType.Last => _last.Value,
            AggregationType.StandardDeviationPopulation => Math.Sqrt(_squaredDeviations / _count),
            AggregationType.StandardDeviationSample => _count > 1 ? Math.Sqrt(_squaredDeviations / (_count - 1)) : 0,
            AggregationType.VariancePopulation => _squaredDeviations / _count,
            AggregationType.VarianceSample => _count > 1 ? _squaredDeviations / (_count - 1) : 0,
            AggregationType.TimeWeightedAverage => TimeWeightedAverage(bucketStart, bucketEnd, previous, next),
            _ => double.NaN,
        };
    }

    /// <summary>The value RedisTimeSeries reports for an empty bucket under EMPTY.</summary>
    public static double EmptyBucketValue(AggregationType type, long bucketStart, long bucketEnd, Sample? previous, Sample? next)
    {
        switch (type)
        {
            case AggregationType.Sum:
            case AggregationType.Count:
                return 0;
            case AggregationType.Last:
                return previous is { } p ? p.Value : double.NaN;
            case AggregationType.TimeWeightedAverage:
                if (previous is { } before && next is { } after)
                {
                    double startValue = Interpolate(before, after, bucketStart);
                    double endValue = Interpolate(before, after, bucketEnd);
                    return (startValue + endValue) / 2;
                }
                return double.NaN;
            default:
                return double.NaN;
        }
    }

    internal static double Interpolate(Sample left, Sample right, long timestamp)
    {
        if (right.Timestamp == left.Timestamp)
        {
            return left.Value;
        }
        return left.Value + ((right.Value - left.Value) * ((double)(timestamp - left.Timestamp) / (right.Timestamp - left.Timestamp)));
    }

    private double TimeWeightedAverage(long bucketStart, long bucketEnd, Sample? previous, Sample? next)
    {
        double area = _area;
        long start = _first.Timestamp;
        long end = _last.Timestamp;
        if (previous is { } before && !double.IsNaN(before.Value) && before.Timestamp < bucketStart && _first.Timestamp > bucketStart)
        {
            double startValue = Interpolate(before, _first, bucketStart);
            area += (_first.Timestamp - bucketStart) * ((startValue + _first.Value) / 2);
            start = bucketStart;
        }
        if (next is { } after && !double.IsNaN(after.Value) && after.Timestamp >= bucketEnd && _last.Timestamp < bucketEnd)
        {
            double endValue = Interpolate(_last, after, bucketEnd);
            area += (bucketEnd - _last.Timestamp) * ((_last.Value + endValue) / 2);
            end = bucketEnd;
        }
        return end == start ? _first.Value : area / (end - start);
    }
}
