namespace Cairn.Documents.Json;

/// <summary>The type of a JSON node. Integer and Double are distinct, as in RedisJSON (JSON.TYPE says "integer" or "number").</summary>
/// <remarks>Values are persisted by the binary document format: never renumber.</remarks>
public enum JsonKind : byte
{
    Null = 0,
    False = 1,
    True = 2,
    Integer = 3,
    Double = 4,
    String = 5,
    Array = 6,
    Object = 7,
}
