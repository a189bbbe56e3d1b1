using System.Globalization;
using System.Text;
using Cairn.Documents.Operations;
using Cairn.Documents.Search.Aggregate;
using Cairn.Documents.Search.Query;

namespace Cairn.Documents.Search;

/// <summary>The FT.* surface behind one call, like <see cref="JsonCommandDispatcher"/>. <c>args</c> excludes the command name.</summary>
public static class FtCommandDispatcher
{
    public static IReadOnlyList<string> CommandNames { get; } =
    [
        "ft.create", "ft.search", "ft.aggregate", "ft.info", "ft.dropindex", "ft._list", "ft.tagvals", "ft.aliasadd", "ft.aliasdel",
        "ft.aliasupdate", "ft.explain",
    ];

    /// <param name="resp3">Reply in RediSearch's RESP3 shapes (FT.SEARCH/FT.AGGREGATE/FT.INFO maps, FT.TAGVALS a set).</param>
    public static JsonReply Execute(string command, IReadOnlyList<ReadOnlyMemory<byte>> rawArgs, SearchIndexRegistry registry, ISearchKeyspace keyspace, bool resp3 = false)
    {
        var args = new List<string>(rawArgs.Count);
        foreach (var arg in rawArgs)
        {
            args.Add(Encoding.UTF8.GetString(arg.Span));
        }
        string name = command.ToLowerInvariant();
        switch (name)
        {
            case "ft.create":
            {
                if (!SearchIndexDefinitionParser.TryParse(args, out var definition, out string error))
                {
                    return JsonReply.Error(error);
                }
                return registry.TryCreate(definition, keyspace.SnapshotJsonKeys(), keyspace.GetDocument, out _, out error)
                    ? JsonReply.Ok
                    : JsonReply.Error(error);
            }
            case "ft.search":
            {
                if (!SearchRequestParser.TryParse(args, out var request, out string error))
                {
                    return JsonReply.Error(error);
                }
                return registry.TryGet(request.Index, out var index)
                    ? SearchExecutor.Search(index, request, keyspace.IsLive, resp3)
                    : NoSuchIndex(request.Index);
            }
            case "ft.aggregate":
            {
                if (!AggregateRequestParser.TryParse(args, out var request, out string error))
                {
                    return JsonReply.Error(error);
                }
                return registry.TryGet(request.Index, out var index)
                    ? AggregateExecutor.Aggregate(index, request, keyspace.IsLive, resp3)
                    : NoSuchIndex(request.Index);
            }
            case "ft.info":
                if (args.Count != 1) return Arity(name);
                return registry.TryGet(args[0], out var info) ? SearchInfo.Describe(info, resp3) : JsonReply.Error("Unknown index name");
            case "ft.dropindex":
            {
                if (args.Count is < 1 or > 2) return Arity(name);
                if (!registry.TryGet(args[0], out var index) || !registry.Drop(index.Definition.Name))
                {
                    return JsonReply.Error("Unknown Index name");
                }
                if (args.Count == 2 && SearchIndexDefinitionParser.Is(args[1], "DD"))
                {
                    var keys = new List<byte[]>();
                    foreach (var document in index.Documents)
                    {
                        keys.Add(document.Key);
                    }
                    foreach (var key in keys)
                    {
                        keyspace.DeleteKey(key);
                    }
                }
                return JsonReply.Ok;
            }
            case "ft._list":
            {
                var names = new List<JsonReply>();
                foreach (var index in registry.Indexes)
                {
                    names.Add(JsonReply.Bulk(index.Definition.Name));
                }
                return JsonReply.Array(names);
            }
            case "ft.tagvals":
            {
                if (args.Count != 2) return Arity(name);
                // RediSearch's TagValsCommand: its own texts, not the query path's "<name>: no such index".
                if (!registry.TryGet(args[0], out var index)) return JsonReply.Error("Unknown Index name");
                int field = index.Definition.FieldIndex(args[1]);
                if (field < 0) return JsonReply.Error("No such field");
                if (index.Definition.Fields[field].Type != SearchFieldType.Tag) return JsonReply.Error("Not a tag field");
                var values = new List<JsonReply>();
                foreach (string value in index.ValuesWithPrefix(field, ""))
                {
                    values.Add(JsonReply.Bulk(value));
                }
                return resp3 ? JsonReply.Set(values) : JsonReply.Array(values);
            }
            case "ft.aliasadd":
            case "ft.aliasupdate":
            {
                if (args.Count != 2) return Arity(name);
                string? error = registry.AliasAdd(args[0], args[1], update: name == "ft.aliasupdate");
                return error is null ? JsonReply.Ok : JsonReply.Error(error);
            }
            case "ft.aliasdel":
            {
                if (args.Count != 1) return Arity(name);
                string? error = registry.AliasDelete(args[0]);
                return error is null ? JsonReply.Ok : JsonReply.Error(error);
            }
            case "ft.explain":
            {
                if (args.Count < 2) return Arity(name);
                if (!registry.TryGet(args[0], out var index)) return NoSuchIndex(args[0]);
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                for (int i = 2; i + 1 < args.Count; i++)
                {
                    if (SearchIndexDefinitionParser.Is(args[i], "PARAMS") &&
                        int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
                    {
                        for (int p = 0; p < count && i + 3 + p < args.Count; p += 2)
                        {
                            parameters[args[i + 2 + p]] = args[i + 3 + p];
                        }
                    }
                }
                if (!QueryParser.TryParse(args[1], index.Definition, parameters, index.Stopwords, out var query, out string error))
                {
                    return JsonReply.Error(error);
                }
                return JsonReply.Bulk(QueryExplainer.Explain(query, index.Definition));
            }
            default:
                return JsonReply.Error($"ERR unknown command '{command}'");
        }
    }

    private static JsonReply NoSuchIndex(string name) => JsonReply.Error($"{name}: no such index");

    private static JsonReply Arity(string name) => JsonReply.Error($"ERR wrong number of arguments for '{name}' command");
}
