namespace Cairn.TimeSeries.Query;

/// <summary>
/// One series of a TS.MRANGE / TS.MGET reply: its key, the labels the query selected (a null value is a selected label the
/// series lacks), and its samples (for MGET at most one). A GROUPBY group also carries its reducer's name and its member
/// keys (RESP3 replies report them as fields of their own).
/// </summary>
public sealed record SeriesResult(
    byte[] Key,
    IReadOnlyList<KeyValuePair<string, string?>> Labels,
    IReadOnlyList<Sample> Samples,
    string? Reducer = null,
    IReadOnlyList<byte[]>? Sources = null);
