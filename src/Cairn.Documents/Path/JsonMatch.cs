using Cairn.Documents.Json;

namespace Cairn.Documents.Path;

/// <summary>A value selected by a path, with its location (null for the root).</summary>
public readonly record struct JsonMatch(JsonValue Value, PathStep? Location);
