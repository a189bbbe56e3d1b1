namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.ARRPOP key [path [index]].</summary>
public sealed record JsonArrPopArguments(byte[] Key, string? Path, long Index);
