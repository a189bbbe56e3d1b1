using System.Globalization;
using System.Text;
using Cairn.Documents.Operations;

namespace Cairn.Documents.Search;

/// <summary>FT.INFO's reply: a flat name/value array with the keys NRedisStack's InfoResult reads.</summary>
public static class SearchInfo
{
    public static JsonReply Describe(SearchIndex index)
    {
        var definition = index.Definition;
        var prefixes = new List<JsonReply>();
        foreach (var prefix in definition.Prefixes)
        {
            prefixes.Add(JsonReply.Bulk(prefix));
        }
        if (prefixes.Count == 0)
        {
            prefixes.Add(JsonReply.Bulk(""));
        }
        var attributes = new List<JsonReply>();
        foreach (var field in definition.Fields)
        {
            var attribute = new List<JsonReply>
            {
                JsonReply.Bulk("identifier"), JsonReply.Bulk(field.Path),
                JsonReply.Bulk("attribute"), JsonReply.Bulk(field.Alias),
                JsonReply.Bulk("type"), JsonReply.Bulk(field.Type.ToString().ToUpperInvariant()),
            };
            if (field.Type == SearchFieldType.Tag)
            {
                attribute.Add(JsonReply.Bulk("SEPARATOR"));
                attribute.Add(JsonReply.Bulk(field.Separator.ToString()));
                if (field.CaseSensitive)
                {
                    attribute.Add(JsonReply.Bulk("CASESENSITIVE"));
                }
            }
            if (field.Type == SearchFieldType.Text)
            {
                attribute.Add(JsonReply.Bulk("WEIGHT"));
                attribute.Add(JsonReply.Bulk(field.Weight.ToString("R", CultureInfo.InvariantCulture)));
            }
            if (field.Sortable)
            {
                attribute.Add(JsonReply.Bulk("SORTABLE"));
            }
            attributes.Add(JsonReply.Array(attribute));
        }
        long terms = 0;
        for (int i = 0; i < definition.Fields.Count; i++)
        {
            if (definition.Fields[i].Type == SearchFieldType.Text)
            {
                terms += index.DistinctValueCount(i);
            }
        }
        double indexMegabytes = index.EstimateIndexMemoryBytes() / (1024.0 * 1024.0);
        var reply = new List<JsonReply>
        {
            JsonReply.Bulk("index_name"), JsonReply.Bulk(definition.Name),
            JsonReply.Bulk("index_options"), JsonReply.EmptyArray,
            JsonReply.Bulk("index_definition"), JsonReply.Array(
            [
                JsonReply.Bulk("key_type"), JsonReply.Bulk("JSON"),
                JsonReply.Bulk("prefixes"), JsonReply.Array(prefixes),
                JsonReply.Bulk("default_score"), JsonReply.Bulk("1"),
            ]),
            JsonReply.Bulk("attributes"), JsonReply.Array(attributes),
            JsonReply.Bulk("num_docs"), Text(index.DocumentCount),
            JsonReply.Bulk("max_doc_id"), Text(index.DocumentCount),
            JsonReply.Bulk("num_terms"), Text(terms),
            JsonReply.Bulk("num_records"), Text(index.PostingCount),
            JsonReply.Bulk("inverted_sz_mb"), JsonReply.Bulk(indexMegabytes.ToString("0.######", CultureInfo.InvariantCulture)),
            JsonReply.Bulk("hash_indexing_failures"), Text(index.IndexingFailures),
            JsonReply.Bulk("indexing"), Text(index.Indexing ? 1 : 0),
            JsonReply.Bulk("percent_indexed"), JsonReply.Bulk(index.BackfillProgress.ToString("0.###", CultureInfo.InvariantCulture)),
            JsonReply.Bulk("number_of_uses"), Text(0),
        };
        return JsonReply.Array(reply);
    }

    private static JsonReply Text(long value) => JsonReply.Bulk(Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
}
