namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.GET key [LATEST].</summary>
public sealed record GetArguments(byte[] Key, bool Latest);
