namespace Cairn.Documents.Operations.Arguments;

/// <summary>
/// JSON.GET's FORMAT (RedisJSON 2.6+, RESP3 only). String: the usual serialized text. Json: one array per path of the
/// matches, scalars as RESP3 scalars, strings and containers as JSON text. Expand: the matches as native RESP3 values
/// (objects as maps, arrays as arrays).
/// </summary>
public enum JsonGetReplyFormat : byte
{
    String = 0,
    Json = 1,
    Expand = 2,
}
