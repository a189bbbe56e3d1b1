using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.MRANGE / TS.MREVRANGE from to [options] FILTER expr.. [GROUPBY label REDUCE reducer].</summary>
public sealed record MultiRangeArguments(RangeOptions Options, LabelSelection Labels, IReadOnlyList<LabelMatcher> Filter, GroupByOptions? GroupBy);
