using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Operations;
using Cairn.Documents.Search.Query;

namespace Cairn.Documents.Search.Aggregate;

/// <summary>
/// Runs FT.AGGREGATE: the query selects documents through the index (as FT.SEARCH), then rows flow through the steps in order.
/// A row reads `@name` from its own values, else (before the first GROUPBY) from the document via the schema alias or a path.
/// Reply: [row count, [name, value, ...], ...] with numbers as text, TOLIST as an array; under RESP3 RediSearch's map with
/// one {extra_attributes, values} entry per row (<see cref="SearchResultShape"/>).
/// </summary>
public static class AggregateExecutor
{
    private sealed class Row(IndexedDocument? document)
    {
        public IndexedDocument? Document { get; } = document;

        public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);

        public List<string> Order { get; } = [];

        public void Set(string name, object? value)
        {
            if (!Values.ContainsKey(name))
            {
                Order.Add(name);
            }
            Values[name] = value;
        }
    }

    public static JsonReply Aggregate(SearchIndex index, AggregateRequest request, Func<byte[], bool>? isLive = null, bool resp3 = false)
    {
        if (!QueryParser.TryParse(request.Query, index.Definition, request.Parameters, index.Stopwords, out var query, out string error))
        {
            return JsonReply.Error(error);
        }
        if (request.Expand)
        {
            // RediSearch's RESP2 text; under RESP3 Cairn has no typed row values to expand yet (docs/documents.md).
            return JsonReply.Error(resp3 ? "EXPAND format is not supported by FT.AGGREGATE in Cairn" : SearchResultShape.ExpandNeedsResp3);
        }
        string? unknown = FirstUnknownSortKey(index.Definition, request.Steps);
        if (unknown is not null)
        {
            return JsonReply.Error($"Property `{unknown}` not loaded nor in pipeline");
        }
        var ids = new QueryPlanner(index).Execute(query);
        var sorted = new List<int>(ids);
        sorted.Sort();
        var rows = new List<Row>(sorted.Count);
        foreach (int id in sorted)
        {
            var document = index.Find(id)!;
            if (isLive is null || isLive(document.Key))
            {
                rows.Add(new Row(document));
            }
        }
        foreach (var step in request.Steps)
        {
            switch (step.Kind)
            {
                case AggregateStepKind.Load:
                    foreach (var row in rows)
                    {
                        foreach (var (identifier, name) in step.Fields)
                        {
                            row.Set(name, Load(index.Definition, row.Document, identifier));
                        }
                    }
                    break;
                case AggregateStepKind.GroupBy:
                    rows = Group(index.Definition, rows, step);
                    break;
                case AggregateStepKind.Apply:
                    foreach (var row in rows)
                    {
                        row.Set(step.Name, ExpressionEvaluator.Evaluate(step.Expression!, name => Read(index.Definition, row, name)));
                    }
                    break;
                case AggregateStepKind.Filter:
                    rows.RemoveAll(row => !ExpressionEvaluator.IsTrue(ExpressionEvaluator.Evaluate(step.Expression!, name => Read(index.Definition, row, name))));
                    break;
                case AggregateStepKind.SortBy:
                {
                    var keys = step.Fields;
                    var cache = new Dictionary<Row, object?[]>(rows.Count);
                    foreach (var row in rows)
                    {
                        var values = new object?[keys.Count];
                        for (int k = 0; k < keys.Count; k++)
                        {
                            values[k] = Read(index.Definition, row, keys[k].Identifier);
                        }
                        cache[row] = values;
                    }
                    var ordered = rows.ToList();
                    ordered.Sort((a, b) =>
                    {
                        for (int k = 0; k < keys.Count; k++)
                        {
                            int order = ExpressionEvaluator.Compare(cache[a][k], cache[b][k]);
                            if (order != 0)
                            {
                                return step.Descending[k] ? -order : order;
                            }
                        }
                        return 0;
                    });
                    rows = step.Count > 0 && ordered.Count > step.Count ? ordered.GetRange(0, step.Count) : ordered;
                    break;
                }
                case AggregateStepKind.Limit:
                    rows = step.Offset >= rows.Count ? [] : rows.GetRange(step.Offset, Math.Min(step.Count, rows.Count - step.Offset));
                    break;
            }
        }
        var reply = new List<JsonReply>(rows.Count + 1);
        if (!resp3)
        {
            reply.Add(JsonReply.FromInteger(rows.Count));
        }
        foreach (var row in rows)
        {
            var fields = new List<JsonReply>(row.Order.Count * 2);
            foreach (string name in row.Order)
            {
                var value = row.Values[name];
                if (value is null)
                {
                    continue;
                }
                fields.Add(JsonReply.Bulk(name));
                fields.Add(ToReply(value));
            }
            reply.Add(resp3 ? SearchResultShape.Result(null, null, fields) : JsonReply.Array(fields));
        }
        return resp3 ? SearchResultShape.Envelope(rows.Count, reply) : JsonReply.Array(reply);
    }

    private static JsonReply ToReply(object value)
    {
        if (value is List<object?> list)
        {
            var items = new List<JsonReply>(list.Count);
            foreach (var item in list)
            {
                items.Add(item is null ? JsonReply.Null : JsonReply.Bulk(ExpressionEvaluator.Text(item)));
            }
            return JsonReply.Array(items);
        }
        return JsonReply.Bulk(ExpressionEvaluator.Text(value));
    }

    /// <summary>
    /// A SORTBY key that no earlier step provides, as RediSearch rejects it: before the first GROUPBY the schema's
    /// aliases, JSON paths and loaded names are available; after it only the group fields and reducer outputs; APPLY adds
    /// its name. (Expressions in APPLY/FILTER are not checked: an unknown name there evaluates to null.)
    /// </summary>
    private static string? FirstUnknownSortKey(SearchIndexDefinition definition, IReadOnlyList<AggregateStep> steps)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in definition.Fields)
        {
            known.Add(field.Alias);
        }
        bool grouped = false;
        foreach (var step in steps)
        {
            switch (step.Kind)
            {
                case AggregateStepKind.Load:
                    foreach (var (_, name) in step.Fields)
                    {
                        known.Add(name);
                    }
                    break;
                case AggregateStepKind.GroupBy:
                    known.Clear();
                    grouped = true;
                    foreach (var (_, name) in step.Fields)
                    {
                        known.Add(name);
                    }
                    foreach (var reducer in step.Reducers)
                    {
                        known.Add(reducer.Name);
                    }
                    break;
                case AggregateStepKind.Apply:
                    known.Add(step.Name);
                    break;
                case AggregateStepKind.SortBy:
                    foreach (var (identifier, _) in step.Fields)
                    {
                        if (!known.Contains(identifier) && (grouped || !identifier.StartsWith('$')))
                        {
                            return identifier;
                        }
                    }
                    break;
            }
        }
        return null;
    }

    private static object? Read(SearchIndexDefinition definition, Row row, string name)
    {
        if (row.Values.TryGetValue(name, out var value))
        {
            return value;
        }
        return row.Document is null ? null : Load(definition, row.Document, name);
    }

    private static object? Load(SearchIndexDefinition definition, IndexedDocument? document, string identifier)
    {
        if (document is null)
        {
            return null;
        }
        if (identifier == "$")
        {
            return JsonWriter.ToText(document.Document, JsonFormatOptions.Compact);
        }
        int field = definition.FieldIndex(identifier);
        if (field >= 0 && definition.Fields[field].Type == SearchFieldType.Numeric)
        {
            var values = document.Values[field];
            return values.Length > 0 ? values[0].Number : null;
        }
        var bytes = SearchExecutor.Resolve(definition, document.Document, identifier);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    private static List<Row> Group(SearchIndexDefinition definition, List<Row> rows, AggregateStep step)
    {
        var groups = new Dictionary<string, (Row Output, List<Row> Members)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in rows)
        {
            var keyBuilder = new StringBuilder();
            var keyValues = new object?[step.Fields.Count];
            for (int f = 0; f < step.Fields.Count; f++)
            {
                keyValues[f] = Read(definition, row, step.Fields[f].Identifier);
                keyBuilder.Append(keyValues[f] is null ? "\u0000null" : ExpressionEvaluator.Text(keyValues[f])).Append('\u0001');
            }
            string key = keyBuilder.ToString();
            if (!groups.TryGetValue(key, out var group))
            {
                var output = new Row(null);
                for (int f = 0; f < step.Fields.Count; f++)
                {
                    output.Set(step.Fields[f].Name, keyValues[f]);
                }
                group = (output, []);
                groups[key] = group;
                order.Add(key);
            }
            group.Members.Add(row);
        }
        var result = new List<Row>(order.Count);
        foreach (string key in order)
        {
            var (output, members) = groups[key];
            foreach (var reducer in step.Reducers)
            {
                output.Set(reducer.Name, Reduce(definition, reducer, members));
            }
            result.Add(output);
        }
        return result;
    }

    private static object? Reduce(SearchIndexDefinition definition, Reducer reducer, List<Row> members)
    {
        switch (reducer.Function)
        {
            case "COUNT":
                return (double)members.Count;
            case "COUNT_DISTINCT":
            {
                var distinct = new HashSet<string>(StringComparer.Ordinal);
                foreach (var row in members)
                {
                    var value = Read(definition, row, reducer.Field!);
                    if (value is not null)
                    {
                        distinct.Add(ExpressionEvaluator.Text(value));
                    }
                }
                return (double)distinct.Count;
            }
            case "TOLIST":
            {
                var distinct = new HashSet<string>(StringComparer.Ordinal);
                var list = new List<object?>();
                foreach (var row in members)
                {
                    var value = Read(definition, row, reducer.Field!);
                    if (value is not null && distinct.Add(ExpressionEvaluator.Text(value)))
                    {
                        list.Add(value);
                    }
                }
                return list;
            }
            default:
            {
                double sum = 0;
                int count = 0;
                double min = double.PositiveInfinity;
                double max = double.NegativeInfinity;
                foreach (var row in members)
                {
                    if (ExpressionEvaluator.ToNumber(Read(definition, row, reducer.Field!)) is { } number)
                    {
                        sum += number;
                        count++;
                        min = Math.Min(min, number);
                        max = Math.Max(max, number);
                    }
                }
                return reducer.Function switch
                {
                    "SUM" => sum,
                    "AVG" => count == 0 ? null : sum / count,
                    "MIN" => count == 0 ? null : min,
                    _ => count == 0 ? null : max,
                };
            }
        }
    }
}
