namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.INFO key [DEBUG].</summary>
public sealed record InfoArguments(byte[] Key, bool Debug);
