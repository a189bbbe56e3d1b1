using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.RANGE / TS.REVRANGE key from to [options].</summary>
public sealed record RangeArguments(byte[] Key, RangeOptions Options);
