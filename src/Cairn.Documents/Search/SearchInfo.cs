using System.Globalization;
using System.Text;
using Cairn.Documents.Operations;

namespace Cairn.Documents.Search;

/// <summary>
/// FT.INFO's reply. RESP2: a flat name/value array with the keys NRedisStack's InfoResult reads (counts as text).
/// RESP3: RediSearch 2.8's map (info_command.c): index_definition and each attribute are maps, each attribute has a
/// `flags` array (SORTABLE, CASESENSITIVE), counts are integers and sizes, ratios and weights are doubles.
/// </summary>
public static class SearchInfo
{
    public static JsonReply Describe(SearchIndex index, bool resp3 = false)
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
            attributes.Add(resp3 ? AttributeMap(field) : AttributeArray(field));
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
        if (resp3)
        {
            return JsonReply.Map(
            [
                Name("index_name"), JsonReply.Bulk(definition.Name),
                Name("index_options"), JsonReply.EmptyArray,
                Name("index_definition"), JsonReply.Map(
                [
                    Name("key_type"), JsonReply.Bulk("JSON"),
                    Name("prefixes"), JsonReply.Array(prefixes),
                    Name("default_score"), JsonReply.FromDouble(1),
                    Name("indexes_all"), JsonReply.Bulk("false"),
                ]),
                Name("attributes"), JsonReply.Array(attributes),
                Name("num_docs"), JsonReply.FromInteger(index.DocumentCount),
                Name("max_doc_id"), JsonReply.FromInteger(index.DocumentCount),
                Name("num_terms"), JsonReply.FromInteger(terms),
                Name("num_records"), JsonReply.FromInteger(index.PostingCount),
                Name("inverted_sz_mb"), JsonReply.FromDouble(indexMegabytes),
                Name("hash_indexing_failures"), JsonReply.FromInteger(index.IndexingFailures),
                Name("indexing"), JsonReply.FromInteger(index.Indexing ? 1 : 0),
                Name("percent_indexed"), JsonReply.FromDouble(index.BackfillProgress),
                Name("number_of_uses"), JsonReply.FromInteger(0),
            ]);
        }
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

    private static JsonReply AttributeArray(SearchField field)
    {
        var attribute = new List<JsonReply>
        {
            JsonReply.Bulk("identifier"), JsonReply.Bulk(field.Path),
            JsonReply.Bulk("attribute"), JsonReply.Bulk(field.Alias),
            JsonReply.Bulk("type"), JsonReply.Bulk(TypeName(field)),
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
        return JsonReply.Array(attribute);
    }

    /// <summary>RediSearch's order: identifier, attribute, type, WEIGHT (text), SEPARATOR (tag), flags.</summary>
    private static JsonReply AttributeMap(SearchField field)
    {
        var attribute = new List<JsonReply>
        {
            Name("identifier"), JsonReply.Bulk(field.Path),
            Name("attribute"), JsonReply.Bulk(field.Alias),
            Name("type"), JsonReply.Simple(TypeName(field)),
        };
        if (field.Type == SearchFieldType.Text)
        {
            attribute.Add(Name("WEIGHT"));
            attribute.Add(JsonReply.FromDouble(field.Weight));
        }
        if (field.Type == SearchFieldType.Tag)
        {
            attribute.Add(Name("SEPARATOR"));
            attribute.Add(JsonReply.Bulk(field.Separator.ToString()));
        }
        var flags = new List<JsonReply>(2);
        if (field.Type == SearchFieldType.Tag && field.CaseSensitive)
        {
            flags.Add(JsonReply.Simple("CASESENSITIVE"));
        }
        if (field.Sortable)
        {
            flags.Add(JsonReply.Simple("SORTABLE"));
        }
        attribute.Add(Name("flags"));
        attribute.Add(JsonReply.Array(flags));
        return JsonReply.Map(attribute);
    }

    private static string TypeName(SearchField field) => field.Type.ToString().ToUpperInvariant();

    private static JsonReply Name(string name) => JsonReply.Simple(name);

    private static JsonReply Text(long value) => JsonReply.Bulk(Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
}
