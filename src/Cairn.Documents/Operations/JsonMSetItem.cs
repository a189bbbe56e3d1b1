using Cairn.Documents.Json;

namespace Cairn.Documents.Operations;

/// <summary>One key/path/value triplet of JSON.MSET. The caller fills Root with the key's current document and stores it back
/// when Effect is Modified.</summary>
public sealed class JsonMSetItem(byte[] key, string path, JsonValue value)
{
    public byte[] Key { get; } = key;

    public string Path { get; } = path;

    public JsonValue Value { get; } = value;

    public JsonValue? Root { get; set; }

    public JsonKeyEffect Effect { get; set; }
}
