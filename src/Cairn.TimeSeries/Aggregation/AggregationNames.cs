namespace Cairn.TimeSeries.Aggregation;

/// <summary>The wire names of aggregators: parsed case-insensitively, reported upper-case in TS.INFO rules as RedisTimeSeries does.</summary>
public static class AggregationNames
{
    public static bool TryParse(ReadOnlySpan<byte> name, out AggregationType type)
    {
        Span<byte> lower = stackalloc byte[8];
        type = default;
        if (name.Length > lower.Length)
        {
            return false;
        }
        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }
        ReadOnlySpan<byte> candidate = lower[..name.Length];
        type = candidate switch
        {
            _ when candidate.SequenceEqual("avg"u8) => AggregationType.Avg,
            _ when candidate.SequenceEqual("sum"u8) => AggregationType.Sum,
            _ when candidate.SequenceEqual("min"u8) => AggregationType.Min,
            _ when candidate.SequenceEqual("max"u8) => AggregationType.Max,
            _ when candidate.SequenceEqual("range"u8) => AggregationType.Range,
            _ when candidate.SequenceEqual("count"u8) => AggregationType.Count,
            _ when candidate.SequenceEqual("first"u8) => AggregationType.First,
            _ when candidate.SequenceEqual("last"u8) => AggregationType.Last,
            _ when candidate.SequenceEqual("std.p"u8) => AggregationType.StandardDeviationPopulation,
            _ when candidate.SequenceEqual("std.s"u8) => AggregationType.StandardDeviationSample,
            _ when candidate.SequenceEqual("var.p"u8) => AggregationType.VariancePopulation,
            _ when candidate.SequenceEqual("var.s"u8) => AggregationType.VarianceSample,
            _ when candidate.SequenceEqual("twa"u8) => AggregationType.TimeWeightedAverage,
            _ => 0,
        };
        return type != 0;
    }

    public static string ToUpperName(AggregationType type) => type switch
    {
        AggregationType.Avg => "AVG",
        AggregationType.Sum => "SUM",
        AggregationType.Min => "MIN",
        AggregationType.Max => "MAX",
        AggregationType.Range => "RANGE",
        AggregationType.Count => "COUNT",
        AggregationType.First => "FIRST",
        AggregationType.Last => "LAST",
        AggregationType.StandardDeviationPopulation => "STD.P",
        AggregationType.StandardDeviationSample => "STD.S",
        AggregationType.VariancePopulation => "VAR.P",
        AggregationType.VarianceSample => "VAR.S",
        AggregationType.TimeWeightedAverage => "TWA",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string ToLowerName(AggregationType type) => ToUpperName(type).ToLowerInvariant();
}
