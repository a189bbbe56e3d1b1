namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.DEL key fromTimestamp toTimestamp (inclusive).</summary>
public sealed record DeleteArguments(byte[] Key, long FromTimestamp, long ToTimestamp);
