namespace Cairn.TimeSeries;

/// <summary>One point of a series: a timestamp in milliseconds and its value (any double, including NaN and infinities).</summary>
public readonly record struct Sample(long Timestamp, double Value);
