using Cairn.Primitives;

namespace Cairn.TimeSeries.Aggregation;

/// <summary>Bucket arithmetic: buckets are [start, start + duration) with start ≡ alignment (mod duration).</summary>
internal static class Buckets
{
    public static long Start(long timestamp, long bucketDurationMilliseconds, long alignmentTimestamp)
    {
        Invariant.Require(bucketDurationMilliseconds > 0, "bucket duration must be positive");
        long offset = (timestamp - alignmentTimestamp) % bucketDurationMilliseconds;
        if (offset < 0)
        {
            offset += bucketDurationMilliseconds;
        }
        return timestamp - offset;
    }

    public static long ReportedTimestamp(long bucketStart, long bucketDurationMilliseconds, BucketTimestampMode mode)
    {
        long reported = mode switch
        {
            BucketTimestampMode.End => bucketStart + bucketDurationMilliseconds,
            BucketTimestampMode.Mid => bucketStart + (bucketDurationMilliseconds / 2),
            _ => bucketStart,
        };
        return Math.Max(0, reported);
    }
}
