using Cairn.TimeSeries.Aggregation;

namespace Cairn.TimeSeries.Query;

/// <summary>
/// The options of TS.RANGE / TS.REVRANGE (and the range part of TS.MRANGE). Timestamps are inclusive; <c>-</c> parses to 0
/// and <c>+</c> to long.MaxValue. <see cref="FilterByTimestamps"/> is sorted ascending when present.
/// </summary>
public sealed record RangeOptions
{
    public long FromTimestamp { get; init; }

    public long ToTimestamp { get; init; } = long.MaxValue;

    public bool Latest { get; init; }

    public long[]? FilterByTimestamps { get; init; }

    public bool FilterByValue { get; init; }

    public double MinimumValue { get; init; }

    public double MaximumValue { get; init; }

    /// <summary>COUNT: the most samples (or buckets) to return; null for all.</summary>
    public long? Count { get; init; }

    public AlignMode Align { get; init; }

    public long AlignTimestamp { get; init; }

    public AggregationOptions? Aggregation { get; init; }

    public long ResolveAlignment() => Align switch
    {
        AlignMode.Start => FromTimestamp,
        AlignMode.End => ToTimestamp,
        AlignMode.Timestamp => AlignTimestamp,
        _ => 0,
    };
}
