namespace Cairn.TimeSeries.Aggregation;

/// <summary>The AGGREGATION clause of a range query. Invariant: BucketDurationMilliseconds &gt; 0.</summary>
public sealed record AggregationOptions(
    AggregationType Type,
    long BucketDurationMilliseconds,
    BucketTimestampMode BucketTimestamp = BucketTimestampMode.Start,
    bool Empty = false);
