namespace Cairn.Documents.Json;

/// <summary>One name/value pair of a JSON object. The name is UTF-8 without escapes.</summary>
public readonly record struct JsonMember(byte[] Name, JsonValue Value);
