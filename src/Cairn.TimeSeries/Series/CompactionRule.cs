using Cairn.TimeSeries.Aggregation;

namespace Cairn.TimeSeries.Series;

/// <summary>
/// A downsampling rule held by its source series: samples of the source aggregate per bucket into the destination.
/// The open bucket (the newest one seen) accumulates in <see cref="OpenBucket"/> and is written to the destination when a
/// sample of a later bucket arrives, as RedisTimeSeries does; TS.RANGE LATEST on the destination reports it unwritten.
/// Invariant: when <see cref="HasOpenBucket"/> and not <see cref="NeedsRecompute"/>, <see cref="OpenBucket"/> holds exactly
/// the source's samples in [OpenBucketStart, OpenBucketStart + duration) and <see cref="PreviousSample"/> the source's last
/// sample before it.
/// </summary>
public sealed class CompactionRule
{
    internal CompactionRule(byte[] destinationKey, AggregationType aggregation, long bucketDurationMilliseconds, long alignTimestamp)
    {
        DestinationKey = destinationKey;
        Aggregation = aggregation;
        BucketDurationMilliseconds = bucketDurationMilliseconds;
        AlignTimestamp = alignTimestamp;
        OpenBucket = new Aggregator(aggregation);
    }

    public byte[] DestinationKey { get; internal set; }

    public AggregationType Aggregation { get; }

    public long BucketDurationMilliseconds { get; }

    public long AlignTimestamp { get; }

    /// <summary>
    /// Buckets starting before this were never compacted by this rule (it was created later without BACKFILL), so late
    /// samples there do not create them. long.MinValue after a backfill.
    /// </summary>
    internal long ActiveFromTimestamp { get; set; } = long.MaxValue;

    internal bool HasOpenBucket { get; set; }

    internal long OpenBucketStart { get; set; }

    internal Aggregator OpenBucket { get; }

    internal Sample? PreviousSample { get; set; }

    /// <summary>Set after loading or an out-of-order change: the open bucket must be rebuilt from the source before use.</summary>
    internal bool NeedsRecompute { get; set; }
}
