namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.STRAPPEND key [path] json-string.</summary>
public sealed record JsonStrAppendArguments(byte[] Key, string? Path, byte[] JsonString);
