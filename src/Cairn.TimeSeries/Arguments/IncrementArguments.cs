using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Arguments;

/// <summary>
/// TS.INCRBY / TS.DECRBY key delta [TIMESTAMP ts] [create options]. <see cref="Delta"/> is already negated for DECRBY.
/// A null <see cref="Timestamp"/> is the caller's clock.
/// </summary>
public sealed record IncrementArguments(byte[] Key, double Delta, long? Timestamp, SeriesOptions CreateOptions);
