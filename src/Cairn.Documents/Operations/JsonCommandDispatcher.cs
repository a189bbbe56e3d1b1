using Cairn.Documents.Json;
using Cairn.Documents.Operations.Arguments;

namespace Cairn.Documents.Operations;

/// <summary>
/// The whole JSON.* surface behind one call: parse arguments, read the key, run the operation, write back per its effect.
/// The command layer's handler can be one line: <c>reply = JsonCommandDispatcher.Execute(name, args, keyspace)</c>.
/// </summary>
public static class JsonCommandDispatcher
{
    public const string WrongTypeError = "WRONGTYPE Operation against a key holding the wrong kind of value";

    /// <summary>Names this dispatcher handles (lower case).</summary>
    public static IReadOnlyList<string> CommandNames { get; } =
    [
        "json.set", "json.get", "json.mget", "json.mset", "json.merge", "json.del", "json.forget", "json.type", "json.clear",
        "json.toggle", "json.numincrby", "json.nummultby", "json.strappend", "json.strlen", "json.arrappend", "json.arrindex",
        "json.arrinsert", "json.arrlen", "json.arrpop", "json.arrtrim", "json.objkeys", "json.objlen", "json.resp", "json.debug",
    ];

    /// <summary>Executes one command. <paramref name="args"/> excludes the command name. <paramref name="resp3"/> selects
    /// RedisJSON's RESP3 shapes where they differ (NUMINCRBY/NUMMULTBY return numbers, TYPE is wrapped in an array).</summary>
    public static JsonReply Execute(string command, IReadOnlyList<ReadOnlyMemory<byte>> args, IJsonKeyspace keyspace, bool resp3 = false)
    {
        string name = command.ToLowerInvariant();
        string error;
        switch (name)
        {
            case "json.set":
            {
                if (!JsonCommandParser.TrySet(args, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonDocumentOperations.Set(ref root, a.Path, a.Value, a.Condition));
            }
            case "json.merge":
            {
                if (!JsonCommandParser.TryMerge(args, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonDocumentOperations.Merge(ref root, a.Path, a.Value));
            }
            case "json.get":
            {
                if (!JsonCommandParser.TryGet(args, out var a, out error, resp3)) return JsonReply.Error(error);
                if (a.ReplyFormat != JsonGetReplyFormat.String)
                {
                    return Read(keyspace, a.Key, root => JsonDocumentOperations.GetResp3(root, a.Paths, a.Format, a.ReplyFormat));
                }
                return Read(keyspace, a.Key, root => JsonDocumentOperations.Get(root, a.Paths, a.Format));
            }
            case "json.mget":
            {
                if (!JsonCommandParser.TryMGet(args, out var a, out error)) return JsonReply.Error(error);
                var roots = new List<JsonValue?>(a.Keys.Count);
                foreach (var key in a.Keys)
                {
                    var root = keyspace.GetDocument(key, out bool wrongType);
                    roots.Add(wrongType ? null : root);
                }
                return JsonDocumentOperations.MGet(roots, a.Path).Reply;
            }
            case "json.mset":
            {
                if (!JsonCommandParser.TryMSet(args, out var items, out error)) return JsonReply.Error(error);
                foreach (var item in items)
                {
                    item.Root = keyspace.GetDocument(item.Key, out bool wrongType);
                    if (wrongType) return JsonReply.Error(WrongTypeError);
                }
                var result = JsonDocumentOperations.MSet(items);
                foreach (var item in items)
                {
                    if (item.Effect == JsonKeyEffect.Modified && item.Root is not null)
                    {
                        keyspace.StoreDocument(item.Key, item.Root);
                    }
                }
                return result.Reply;
            }
            case "json.del":
            case "json.forget":
            {
                if (!JsonCommandParser.TryKeyPath(name, args, false, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonDocumentOperations.Delete(ref root, a.Path));
            }
            case "json.type":
            {
                var reply = KeyPath(name, args, keyspace, false, (root, path) => JsonDocumentOperations.Type(root, path));
                return resp3 && !reply.IsError ? JsonReply.Array([reply]) : reply;
            }
            case "json.strlen":
                return KeyPath(name, args, keyspace, false, (root, path) => JsonScalarOperations.StrLen(root, path));
            case "json.arrlen":
                return KeyPath(name, args, keyspace, false, (root, path) => JsonContainerOperations.ArrLen(root, path));
            case "json.objkeys":
                return KeyPath(name, args, keyspace, false, (root, path) => JsonContainerOperations.ObjKeys(root, path));
            case "json.objlen":
                return KeyPath(name, args, keyspace, false, (root, path) => JsonContainerOperations.ObjLen(root, path));
            case "json.resp":
                return KeyPath(name, args, keyspace, false, (root, path) => JsonDocumentOperations.Resp(root, path));
            case "json.clear":
            {
                if (!JsonCommandParser.TryKeyPath(name, args, false, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonDocumentOperations.Clear(ref root, a.Path));
            }
            case "json.toggle":
            {
                if (!JsonCommandParser.TryKeyPath(name, args, true, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonScalarOperations.Toggle(ref root, a.Path!));
            }
            case "json.numincrby":
            case "json.nummultby":
            {
                if (!JsonCommandParser.TryNumber(name, args, out var a, out error)) return JsonReply.Error(error);
                bool multiply = name == "json.nummultby";
                return Write(keyspace, a.Key, (ref JsonValue? root) => multiply
                    ? JsonScalarOperations.NumMultBy(ref root, a.Path, a.Number, resp3)
                    : JsonScalarOperations.NumIncrBy(ref root, a.Path, a.Number, resp3));
            }
            case "json.strappend":
            {
                if (!JsonCommandParser.TryStrAppend(args, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonScalarOperations.StrAppend(ref root, a.Path, a.JsonString));
            }
            case "json.arrappend":
            {
                if (!JsonCommandParser.TryArrAppend(args, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonContainerOperations.ArrAppend(ref root, a.Path, a.Values));
            }
            case "json.arrinsert":
            {
                if (!JsonCommandParser.TryArrInsert(args, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonContainerOperations.ArrInsert(ref root, a.Path, a.Index, a.Values));
            }
            case "json.arrindex":
            {
                if (!JsonCommandParser.TryArrIndex(args, out var a, out error)) return JsonReply.Error(error);
                return Read(keyspace, a.Key, root => JsonContainerOperations.ArrIndex(root, a.Path, a.Value, a.Start, a.Stop));
            }
            case "json.arrpop":
            {
                if (!JsonCommandParser.TryArrPop(args, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonContainerOperations.ArrPop(ref root, a.Path, a.Index));
            }
            case "json.arrtrim":
            {
                if (!JsonCommandParser.TryArrTrim(args, out var a, out error)) return JsonReply.Error(error);
                return Write(keyspace, a.Key, (ref JsonValue? root) => JsonContainerOperations.ArrTrim(ref root, a.Path, a.Start, a.Stop));
            }
            case "json.debug":
            {
                if (!JsonCommandParser.TryDebug(args, out var memory, out error)) return JsonReply.Error(error);
                if (memory is null)
                {
                    var lines = new List<JsonReply>();
                    foreach (string line in JsonCommandParser.DebugHelp)
                    {
                        lines.Add(JsonReply.Bulk(line));
                    }
                    return JsonReply.Array(lines);
                }
                return Read(keyspace, memory.Key, root => JsonDocumentOperations.DebugMemory(root, memory.Path));
            }
            default:
                return JsonReply.Error($"ERR unknown command '{command}'");
        }
    }

    private delegate JsonCommandResult WriteOperation(ref JsonValue? root);

    private static JsonReply Write(IJsonKeyspace keyspace, byte[] key, WriteOperation operation)
    {
        var root = keyspace.GetDocument(key, out bool wrongType);
        if (wrongType)
        {
            return JsonReply.Error(WrongTypeError);
        }
        var result = operation(ref root);
        if (result.Effect == JsonKeyEffect.Deleted || (result.Effect == JsonKeyEffect.Modified && root is null))
        {
            keyspace.DeleteKey(key);
        }
        else if (result.Effect == JsonKeyEffect.Modified)
        {
            keyspace.StoreDocument(key, root!);
        }
        return result.Reply;
    }

    private static JsonReply Read(IJsonKeyspace keyspace, byte[] key, Func<JsonValue?, JsonCommandResult> operation)
    {
        var root = keyspace.GetDocument(key, out bool wrongType);
        return wrongType ? JsonReply.Error(WrongTypeError) : operation(root).Reply;
    }

    private static JsonReply KeyPath(string name, IReadOnlyList<ReadOnlyMemory<byte>> args, IJsonKeyspace keyspace, bool pathRequired, Func<JsonValue?, string?, JsonCommandResult> operation)
    {
        if (!JsonCommandParser.TryKeyPath(name, args, pathRequired, out var a, out string error))
        {
            return JsonReply.Error(error);
        }
        return Read(keyspace, a.Key, root => operation(root, a.Path));
    }
}
