namespace Cairn.TimeSeries.Query;

/// <summary>
/// One series of a TS.MRANGE / TS.MGET reply: its key, the labels the query selected (a null value is a selected label the
/// series lacks), and its samples (for MGET at most one).
/// </summary>
public sealed record SeriesResult(byte[] Key, IReadOnlyList<KeyValuePair<string, string?>> Labels, IReadOnlyList<Sample> Samples);
