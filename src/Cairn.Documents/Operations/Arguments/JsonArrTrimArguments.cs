namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.ARRTRIM key path start stop.</summary>
public sealed record JsonArrTrimArguments(byte[] Key, string Path, long Start, long Stop);
