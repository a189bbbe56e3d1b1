namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.DELETERULE source destination.</summary>
public sealed record DeleteRuleArguments(byte[] SourceKey, byte[] DestinationKey);
