namespace Cairn.TimeSeries.Arguments;

/// <summary>
/// One (key, timestamp, value) triple of TS.MADD; a null timestamp is <c>*</c>. <see cref="Error"/> is set when the triple
/// did not parse: RedisTimeSeries answers such a triple with an error in its place of the reply and still adds the others.
/// </summary>
public sealed record MultiAddEntry(byte[] Key, long? Timestamp, double Value, string? Error = null);
