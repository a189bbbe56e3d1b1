using Cairn.TimeSeries.Aggregation;

namespace Cairn.TimeSeries.Arguments;

/// <summary>GROUPBY label REDUCE reducer: series sharing a value of the label merge into one, reduced per timestamp.</summary>
public sealed record GroupByOptions(string Label, AggregationType Reducer);
