namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.MGET key [key ...] path.</summary>
public sealed record JsonMGetArguments(IReadOnlyList<byte[]> Keys, string Path);
