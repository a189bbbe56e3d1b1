namespace Cairn.TimeSeries.Aggregation;

/// <summary>The thirteen RedisTimeSeries aggregators. Values are persisted (compaction rules): never renumber.</summary>
public enum AggregationType : byte
{
    Avg = 1,
    Sum = 2,
    Min = 3,
    Max = 4,
    Range = 5,
    Count = 6,
    First = 7,
    Last = 8,
    StandardDeviationPopulation = 9,
    StandardDeviationSample = 10,
    VariancePopulation = 11,
    VarianceSample = 12,
    TimeWeightedAverage = 13,
}
