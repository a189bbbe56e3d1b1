using Cairn.TimeSeries.Aggregation;

namespace Cairn.TimeSeries.Arguments;

/// <summary>
/// TS.CREATERULE source destination AGGREGATION type bucketDuration [alignTimestamp] [BACKFILL].
/// BACKFILL is a Cairn extension: the destination is filled from the source's existing samples.
/// </summary>
public sealed record CreateRuleArguments(
    byte[] SourceKey,
    byte[] DestinationKey,
    AggregationType Aggregation,
    long BucketDurationMilliseconds,
    long AlignTimestamp,
    bool Backfill);
