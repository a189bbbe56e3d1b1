using Cairn.Documents.Json;

namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.GET key [INDENT s] [NEWLINE s] [SPACE s] [path ...].</summary>
public sealed record JsonGetArguments(byte[] Key, IReadOnlyList<string> Paths, JsonFormatOptions Format);
