using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.MGET [LATEST] [WITHLABELS | SELECTED_LABELS ..] FILTER expr..</summary>
public sealed record MultiGetArguments(bool Latest, LabelSelection Labels, IReadOnlyList<LabelMatcher> Filter);
