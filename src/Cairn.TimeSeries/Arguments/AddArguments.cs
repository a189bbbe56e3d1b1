using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Arguments;

/// <summary>
/// TS.ADD key timestamp value [create options] [ON_DUPLICATE p]. A null <see cref="Timestamp"/> is <c>*</c>: the caller's
/// clock, passed to the store as a parameter.
/// </summary>
public sealed record AddArguments(byte[] Key, long? Timestamp, double Value, SeriesOptions CreateOptions, DuplicatePolicy? OnDuplicate);
