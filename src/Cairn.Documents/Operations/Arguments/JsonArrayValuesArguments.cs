using Cairn.Documents.Json;

namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.ARRAPPEND key path json... and JSON.ARRINSERT key path index json... (Index 0 for ARRAPPEND).</summary>
public sealed record JsonArrayValuesArguments(byte[] Key, string Path, long Index, IReadOnlyList<JsonValue> Values);
