using Cairn.Documents.Json;

namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.SET key path json [NX|XX]; also JSON.MERGE key path json (Condition None).</summary>
public sealed record JsonSetArguments(byte[] Key, string Path, JsonValue Value, JsonSetCondition Condition);
