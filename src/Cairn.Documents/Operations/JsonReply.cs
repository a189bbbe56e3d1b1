using System.Text;

namespace Cairn.Documents.Operations;

/// <summary>
/// A reply exactly as RedisJSON/RediSearch shape it, independent of RESP encoding: the command layer writes it verbatim
/// (Error text is the whole message after '-', e.g. "ERR Path '$.x' does not exist").
/// </summary>
public sealed class JsonReply
{
    private JsonReply(JsonReplyKind kind) => Kind = kind;

    public JsonReplyKind Kind { get; }

    public long Integer { get; private init; }

    public double Double { get; private init; }

    /// <summary>BulkString payload.</summary>
    public byte[] Bytes { get; private init; } = [];

    /// <summary>SimpleString and Error text.</summary>
    public string Text { get; private init; } = "";

    /// <summary>Array elements, or a Map's names and values alternating (name first).</summary>
    public IReadOnlyList<JsonReply> Items { get; private init; } = [];

    public static JsonReply Null { get; } = new(JsonReplyKind.Null);

    public static JsonReply Ok { get; } = new(JsonReplyKind.Ok) { Text = "OK" };

    public static JsonReply EmptyArray { get; } = new(JsonReplyKind.Array);

    public static JsonReply FromInteger(long value) => new(JsonReplyKind.Integer) { Integer = value };

    public static JsonReply FromDouble(double value) => new(JsonReplyKind.Double) { Double = value };

    public static JsonReply Bulk(byte[] value) => new(JsonReplyKind.BulkString) { Bytes = value };

    public static JsonReply Bulk(string value) => Bulk(Encoding.UTF8.GetBytes(value));

    public static JsonReply Simple(string value) => new(JsonReplyKind.SimpleString) { Text = value };

    public static JsonReply Error(string message) => new(JsonReplyKind.Error) { Text = message };

    public static JsonReply Array(IReadOnlyList<JsonReply> items) => new(JsonReplyKind.Array) { Items = items };

    /// <summary>A map from alternating names and values. REQUIRES an even count.</summary>
    public static JsonReply Map(IReadOnlyList<JsonReply> namesAndValues)
    {
        if (namesAndValues.Count % 2 != 0)
        {
            throw new ArgumentException("a map needs names and values in pairs", nameof(namesAndValues));
        }
        return new(JsonReplyKind.Map) { Items = namesAndValues };
    }

    public static JsonReply Set(IReadOnlyList<JsonReply> items) => new(JsonReplyKind.Set) { Items = items };

    public static JsonReply FromBoolean(bool value) => new(JsonReplyKind.Boolean) { Integer = value ? 1 : 0 };

    public bool IsError => Kind == JsonReplyKind.Error;

    /// <summary>The value of a Map's entry named <paramref name="name"/> (names compared as text), or null.</summary>
    public JsonReply? Field(string name)
    {
        for (int i = 0; i + 1 < Items.Count; i += 2)
        {
            var key = Items[i];
            string text = key.Kind == JsonReplyKind.BulkString ? Encoding.UTF8.GetString(key.Bytes) : key.Text;
            if (text == name)
            {
                return Items[i + 1];
            }
        }
        return null;
    }

    private IEnumerable<string> MapEntries()
    {
        for (int i = 0; i + 1 < Items.Count; i += 2)
        {
            yield return Items[i] + ": " + Items[i + 1];
        }
    }

    /// <summary>A compact, redis-cli-like rendering for tests and logs.</summary>
    public override string ToString() => Kind switch
    {
        JsonReplyKind.Null => "(nil)",
        JsonReplyKind.Ok => "OK",
        JsonReplyKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        JsonReplyKind.Double => Double.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        JsonReplyKind.BulkString => "\"" + Encoding.UTF8.GetString(Bytes) + "\"",
        JsonReplyKind.SimpleString => Text,
        JsonReplyKind.Error => "(error) " + Text,
        JsonReplyKind.Boolean => Integer != 0 ? "(true)" : "(false)",
        JsonReplyKind.Map => "{" + string.Join(", ", MapEntries()) + "}",
        _ => "[" + string.Join(", ", Items) + "]",
    };
}
