namespace Cairn.TimeSeries.Replies;

/// <summary>One name/value pair of TS.INFO, in reply order.</summary>
public sealed record InfoField(string Name, TsReply Value);
