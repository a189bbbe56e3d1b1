using Cairn.Documents.Operations;

namespace Cairn.Documents.Search;

/// <summary>
/// The RESP3 envelope RediSearch (2.8+, sendChunk_Resp3) gives FT.SEARCH and FT.AGGREGATE: a map of attributes (always
/// empty), format ("STRING"), results (one map per hit or row), total_results and warning (an empty array when there is
/// nothing to warn about). Under RESP2 both commands keep the flat [total, ...] array.
/// </summary>
internal static class SearchResultShape
{
    public const string ExpandNeedsResp3 = "EXPAND format is only supported with RESP3";

    public static JsonReply Envelope(long totalResults, List<JsonReply> results, bool expand = false) => JsonReply.Map(
    [
        JsonReply.Simple("attributes"), JsonReply.EmptyArray,
        JsonReply.Simple("format"), JsonReply.Simple(expand ? "EXPAND" : "STRING"),
        JsonReply.Simple("results"), JsonReply.Array(results),
        JsonReply.Simple("total_results"), JsonReply.FromInteger(totalResults),
        JsonReply.Simple("warning"), JsonReply.EmptyArray,
    ]);

    /// <summary>One hit or row: [id], [score], [extra_attributes], then values (RediSearch's placeholder, always empty).</summary>
    public static JsonReply Result(byte[]? id, double? score, List<JsonReply>? attributes)
    {
        var entries = new List<JsonReply>(8);
        if (id is not null)
        {
            entries.Add(JsonReply.Simple("id"));
            entries.Add(JsonReply.Bulk(id));
        }
        if (score is double value)
        {
            entries.Add(JsonReply.Simple("score"));
            entries.Add(JsonReply.FromDouble(value));
        }
        if (attributes is not null)
        {
            entries.Add(JsonReply.Simple("extra_attributes"));
            entries.Add(JsonReply.Map(attributes));
        }
        entries.Add(JsonReply.Simple("values"));
        entries.Add(JsonReply.EmptyArray);
        return JsonReply.Map(entries);
    }
}
