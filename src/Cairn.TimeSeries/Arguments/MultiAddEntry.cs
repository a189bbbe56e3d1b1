namespace Cairn.TimeSeries.Arguments;

/// <summary>One (key, timestamp, value) triple of TS.MADD; a null timestamp is <c>*</c>.</summary>
public sealed record MultiAddEntry(byte[] Key, long? Timestamp, double Value);
