namespace Cairn.TimeSeries.Series;

/// <summary>A series label. RedisTimeSeries labels are strings; they are kept as .NET strings (UTF-8 on the wire).</summary>
public readonly record struct Label(string Name, string Value);
