using Cairn.Documents.Json;

namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.ARRINDEX key path value [start [stop]].</summary>
public sealed record JsonArrIndexArguments(byte[] Key, string Path, JsonValue Value, long Start, long Stop);
