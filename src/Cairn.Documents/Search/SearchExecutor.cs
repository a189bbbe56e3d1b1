using System.Globalization;
using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Operations;
using Cairn.Documents.Path;
using Cairn.Documents.Search.Query;

namespace Cairn.Documents.Search;

/// <summary>Runs FT.SEARCH and shapes the reply: under RESP2 [total, key, [field, value, ...], ...], under RESP3 RediSearch's
/// map (<see cref="SearchResultShape"/>); hits carry `$` (the document).</summary>
public static class SearchExecutor
{
    /// <param name="isLive">Filters keys the keyspace considers gone (expired but not yet reclaimed); null keeps all.</param>
    /// <param name="resp3">Reply in RediSearch's RESP3 shape (the client said HELLO 3).</param>
    public static JsonReply Search(SearchIndex index, SearchRequest request, Func<byte[], bool>? isLive = null, bool resp3 = false)
    {
        if (request.Expand && !resp3)
        {
            return JsonReply.Error(SearchResultShape.ExpandNeedsResp3);
        }
        if (!QueryParser.TryParse(request.Query, index.Definition, request.Parameters, index.Stopwords, out var query, out string error))
        {
            return JsonReply.Error(error);
        }
        int sortField = -1;
        if (request.SortBy is not null)
        {
            sortField = index.Definition.FieldIndex(request.SortBy);
            if (sortField < 0)
            {
                return JsonReply.Error($"Property `{request.SortBy}` not loaded nor in schema");
            }
        }
        var planner = new QueryPlanner(index);
        var ids = planner.Execute(query);
        var hits = new List<IndexedDocument>(ids.Count);
        foreach (int id in ids)
        {
            var document = index.Find(id)!;
            if (isLive is null || isLive(document.Key))
            {
                hits.Add(document);
            }
        }
        var terms = new List<QueryNode>();
        CollectTerms(query, terms);
        var scores = new Dictionary<int, double>(terms.Count > 0 ? hits.Count : 0);
        if (terms.Count > 0)
        {
            foreach (var hit in hits)
            {
                double score = 0;
                foreach (var term in terms)
                {
                    if (planner.Matches(term, hit, -1))
                    {
                        score++;
                    }
                }
                scores[hit.Id] = score;
            }
        }
        if (sortField >= 0)
        {
            var type = index.Definition.Fields[sortField].Type;
            bool descending = request.SortDescending;
            if (type == SearchFieldType.Text)
            {
                // TEXT sorts by the whole normalized string (as RediSearch's sortable vector), not by its first token.
                var sortKeys = new Dictionary<int, string?>(hits.Count);
                foreach (var hit in hits)
                {
                    var raw = Resolve(index.Definition, hit.Document, index.Definition.Fields[sortField].Alias);
                    sortKeys[hit.Id] = raw is null ? null : Encoding.UTF8.GetString(raw).ToLowerInvariant();
                }
                hits.Sort((a, b) =>
                {
                    string? x = sortKeys[a.Id];
                    string? y = sortKeys[b.Id];
                    if (x is null || y is null)
                    {
                        int missing = (x is null).CompareTo(y is null);
                        return missing != 0 ? missing : a.Id.CompareTo(b.Id);
                    }
                    int order = string.CompareOrdinal(x, y);
                    return order != 0 ? (descending ? -order : order) : a.Id.CompareTo(b.Id);
                });
            }
            else
            {
                bool numeric = type == SearchFieldType.Numeric;
                hits.Sort((a, b) => CompareBySortKey(a, b, sortField, numeric, descending));
            }
        }
        else
        {
            hits.Sort((a, b) =>
            {
                int byScore = scores.GetValueOrDefault(b.Id).CompareTo(scores.GetValueOrDefault(a.Id));
                return byScore != 0 ? byScore : a.Id.CompareTo(b.Id);
            });
        }
        int end = (int)Math.Min(hits.Count, (long)request.Offset + request.Limit);
        if (resp3)
        {
            var results = new List<JsonReply>(Math.Max(0, end - request.Offset));
            for (int i = request.Offset; i < end; i++)
            {
                var hit = hits[i];
                double? score = request.WithScores ? (terms.Count > 0 ? scores[hit.Id] : 1.0) : null;
                var attributes = request.NoContent ? null
                    : request.Expand ? ExpandedFields(index.Definition, hit.Document, request.Return)
                    : Fields(index.Definition, hit.Document, request.Return);
                results.Add(SearchResultShape.Result(hit.Key, score, attributes));
            }
            return SearchResultShape.Envelope(hits.Count, results, request.Expand);
        }
        var reply = new List<JsonReply> { JsonReply.FromInteger(hits.Count) };
        for (int i = request.Offset; i < end; i++)
        {
            var hit = hits[i];
            reply.Add(JsonReply.Bulk(hit.Key));
            if (request.WithScores)
            {
                double score = terms.Count > 0 ? scores[hit.Id] : 1.0;
                reply.Add(JsonReply.Bulk(score.ToString("R", CultureInfo.InvariantCulture)));
            }
            if (!request.NoContent)
            {
                reply.Add(JsonReply.Array(Fields(index.Definition, hit.Document, request.Return)));
            }
        }
        return JsonReply.Array(reply);
    }

    private static void CollectTerms(QueryNode node, List<QueryNode> terms)
    {
        if (node.Kind == QueryNodeKind.Term)
        {
            terms.Add(node);
        }
        if (node.Kind == QueryNodeKind.Not)
        {
            return;
        }
        foreach (var child in node.Children)
        {
            CollectTerms(child, terms);
        }
    }

    /// <summary>Missing values sort last in both directions; ties keep indexing order.</summary>
    internal static int CompareBySortKey(IndexedDocument a, IndexedDocument b, int field, bool numeric, bool descending)
    {
        var va = a.Values[field];
        var vb = b.Values[field];
        if (va.Length == 0 || vb.Length == 0)
        {
            int missing = (va.Length == 0).CompareTo(vb.Length == 0);
            return missing != 0 ? missing : a.Id.CompareTo(b.Id);
        }
        int order = numeric
            ? va[0].Number.CompareTo(vb[0].Number)
            : string.CompareOrdinal(va[0].Text, vb[0].Text);
        if (descending)
        {
            order = -order;
        }
        return order != 0 ? order : a.Id.CompareTo(b.Id);
    }

    /// <summary>The field list of one hit: `$` and the document by default, else each RETURN identifier that resolves.</summary>
    public static List<JsonReply> Fields(SearchIndexDefinition definition, JsonValue document, IReadOnlyList<(string Identifier, string Name)>? returns)
    {
        if (returns is null)
        {
            return [JsonReply.Bulk("$"), JsonReply.Bulk(JsonWriter.ToUtf8(document, JsonFormatOptions.Compact))];
        }
        var fields = new List<JsonReply>(returns.Count * 2);
        foreach (var (identifier, name) in returns)
        {
            var value = Resolve(definition, document, identifier);
            if (value is not null)
            {
                fields.Add(JsonReply.Bulk(name));
                fields.Add(JsonReply.Bulk(value));
            }
        }
        return fields;
    }

    /// <summary>FORMAT EXPAND (RESP3): each field is the array of its matches as native RESP3 values (`$` is [document]),
    /// as RediSearch replies for JSON (test_resp3.py testExpandJson); fields that match nothing are left out.</summary>
    public static List<JsonReply> ExpandedFields(SearchIndexDefinition definition, JsonValue document, IReadOnlyList<(string Identifier, string Name)>? returns)
    {
        returns ??= [("$", "$")];
        var fields = new List<JsonReply>(returns.Count * 2);
        foreach (var (identifier, name) in returns)
        {
            string path = identifier;
            int field = definition.FieldIndex(identifier);
            if (field >= 0)
            {
                path = definition.Fields[field].Path;
            }
            else if (!identifier.StartsWith('$'))
            {
                continue;
            }
            if (!JsonPathParser.TryParse(path, out var compiled, out _))
            {
                continue;
            }
            var values = JsonPathEvaluator.Select(document, compiled);
            if (values.Count == 0)
            {
                continue;
            }
            var items = new List<JsonReply>(values.Count);
            foreach (var value in values)
            {
                items.Add(JsonDocumentOperations.Resp3Value(value, JsonFormatOptions.Compact, expand: true));
            }
            fields.Add(JsonReply.Bulk(name));
            fields.Add(JsonReply.Array(items));
        }
        return fields;
    }

    /// <summary>The reply text of a field: a string's raw bytes, other values as JSON, several matches as a JSON array.</summary>
    public static byte[]? Resolve(SearchIndexDefinition definition, JsonValue document, string identifier)
    {
        string path = identifier;
        int field = definition.FieldIndex(identifier);
        if (field >= 0)
        {
            path = definition.Fields[field].Path;
        }
        else if (!identifier.StartsWith('$'))
        {
            return null;
        }
        if (!JsonPathParser.TryParse(path, out var compiled, out _))
        {
            return null;
        }
        var values = JsonPathEvaluator.Select(document, compiled);
        if (values.Count == 0)
        {
            return null;
        }
        if (values.Count > 1 || (field >= 0 && compiled.Segments.Count > 0 && identifier == "$"))
        {
            return JsonWriter.ArrayToUtf8(values, JsonFormatOptions.Compact);
        }
        var single = values[0];
        return single.Kind == JsonKind.String ? single.StringBytes : JsonWriter.ToUtf8(single, JsonFormatOptions.Compact);
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
