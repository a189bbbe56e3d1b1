using Cairn.Documents.Json;
using Cairn.Documents.Operations.Arguments;
using Cairn.Documents.Path;
using static Cairn.Documents.Operations.JsonOperationSupport;

namespace Cairn.Documents.Operations;

/// <summary>
/// JSON.SET, GET, MGET, MSET, MERGE, DEL/FORGET, TYPE, CLEAR, RESP and DEBUG MEMORY on one document.
/// </summary>
/// <remarks>
/// Contract: <c>root</c> is the key's document, null when the key does not exist (the caller answers WRONGTYPE for other types
/// before calling). Write operations change the tree in place or replace <c>root</c>, and say so in the result's Effect.
/// </remarks>
public static class JsonDocumentOperations
{
    public static JsonCommandResult Set(ref JsonValue? root, string pathText, JsonValue value, JsonSetCondition condition)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            if (condition == JsonSetCondition.IfExists)
            {
                return JsonCommandResult.Read(JsonReply.Null);
            }
            if (!path.IsRoot)
            {
                return JsonCommandResult.Fail(JsonErrors.NewObjectsAtRoot);
            }
            root = value;
            return new JsonCommandResult(JsonReply.Ok, JsonKeyEffect.Modified);
        }
        if (path.IsRoot)
        {
            if (condition == JsonSetCondition.IfMissing)
            {
                return JsonCommandResult.Read(JsonReply.Null);
            }
            root = value;
            return new JsonCommandResult(JsonReply.Ok, JsonKeyEffect.Modified);
        }
        if (condition != JsonSetCondition.IfMissing)
        {
            var matches = TopMost(JsonPathEvaluator.SelectWithLocations(root, path));
            if (matches.Count > 0)
            {
                foreach (var match in matches)
                {
                    if (!FitsAt(match.Location?.Depth ?? 0, value))
                    {
                        return JsonCommandResult.Fail(JsonErrors.NestingTooDeep);
                    }
                }
                for (int i = 0; i < matches.Count; i++)
                {
                    Replace(ref root, matches[i], i == matches.Count - 1 ? value : value.DeepClone());
                }
                return new JsonCommandResult(JsonReply.Ok, JsonKeyEffect.Modified);
            }
            if (condition == JsonSetCondition.IfExists)
            {
                return JsonCommandResult.Read(JsonReply.Null);
            }
        }
        return AddAtMissingPath(root, path, value);
    }

    /// <summary>RedisJSON's "find_add_paths": a static path whose last step is a member name adds that member to each parent.</summary>
    private static JsonCommandResult AddAtMissingPath(JsonValue root, JsonPath path, JsonValue value)
    {
        if (!path.IsStatic)
        {
            return JsonCommandResult.Fail(JsonErrors.WrongStaticPath);
        }
        var last = path.Segments[^1];
        if (last.Kind != PathSelectorKind.Name)
        {
            return JsonSelectCount(root, path) == 0
                ? JsonCommandResult.Fail(JsonErrors.ArrayIndexOutOfRange)
                : JsonCommandResult.Read(JsonReply.Null);
        }
        if (!FitsAt(path.Segments.Count, value))
        {
            return JsonCommandResult.Fail(JsonErrors.NestingTooDeep);
        }
        var parentPath = new JsonPath
        {
            Original = path.Original,
            Normalized = path.Normalized,
            IsLegacy = path.IsLegacy,
            Segments = path.Segments.Take(path.Segments.Count - 1).ToList(),
        };
        var parents = JsonPathEvaluator.Select(root, parentPath);
        bool added = false;
        for (int i = 0; i < parents.Count; i++)
        {
            var parent = parents[i];
            if (parent.Kind == JsonKind.Object && parent.IndexOfMember(last.Names[0]) < 0)
            {
                parent.SetMember(last.Names[0], added ? value.DeepClone() : value);
                added = true;
            }
        }
        return added ? new JsonCommandResult(JsonReply.Ok, JsonKeyEffect.Modified) : JsonCommandResult.Read(JsonReply.Null);
    }

    private static int JsonSelectCount(JsonValue root, JsonPath path) => JsonPathEvaluator.Select(root, path).Count;

    /// <summary>JSON.GET: one path gives the value (legacy) or a JSON array (JSONPath); several give an object keyed by path.</summary>
    public static JsonCommandResult Get(JsonValue? root, IReadOnlyList<string> paths, JsonFormatOptions format)
    {
        if (root is null)
        {
            return JsonCommandResult.Read(JsonReply.Null);
        }
        if (paths.Count == 0)
        {
            paths = ["."];
        }
        if (paths.Count == 1)
        {
            if (!TryCompile(paths[0], out var path, out var error))
            {
                return error;
            }
            var values = JsonPathEvaluator.Select(root, path);
            if (!path.IsLegacy)
            {
                return JsonCommandResult.Read(SerializedArray(values, format));
            }
            return values.Count == 0
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExist(path.Normalized))
                : JsonCommandResult.Read(Serialized(values[0], format));
        }
        bool allLegacy = true;
        foreach (string text in paths)
        {
            allLegacy &= JsonPath.IsLegacyText(text);
        }
        var result = JsonValue.Object();
        foreach (string text in paths)
        {
            if (!JsonPathParser.TryParse(text, out var path, out _))
            {
                continue; // RedisJSON skips paths that do not compile when several are given
            }
            var values = JsonPathEvaluator.Select(root, path);
            if (allLegacy)
            {
                if (values.Count == 0)
                {
                    return JsonCommandResult.Fail(JsonErrors.PathDoesNotExist(text));
                }
                result.SetMember(text, values[0]);
            }
            else
            {
                result.SetMember(text, JsonValue.Array(values));
            }
        }
        return JsonCommandResult.Read(Serialized(result, format));
    }

    /// <summary>
    /// JSON.GET with FORMAT JSON or EXPAND under RESP3 (RedisJSON's KeyValue.to_resp3): one array per path, whatever its
    /// dialect, of every match; a path that does not compile or matches nothing gives an empty array.
    /// </summary>
    public static JsonCommandResult GetResp3(JsonValue? root, IReadOnlyList<string> paths, JsonFormatOptions format, JsonGetReplyFormat replyFormat)
    {
        if (root is null)
        {
            return JsonCommandResult.Read(JsonReply.Null);
        }
        if (paths.Count == 0)
        {
            paths = ["."];
        }
        var perPath = new List<JsonReply>(paths.Count);
        foreach (string text in paths)
        {
            if (!JsonPathParser.TryParse(text, out var path, out _))
            {
                perPath.Add(JsonReply.EmptyArray);
                continue;
            }
            var values = JsonPathEvaluator.Select(root, path);
            var items = new List<JsonReply>(values.Count);
            foreach (var value in values)
            {
                items.Add(Resp3Value(value, format, replyFormat == JsonGetReplyFormat.Expand));
            }
            perPath.Add(JsonReply.Array(items));
        }
        return JsonCommandResult.Read(JsonReply.Array(perPath));
    }

    /// <summary>Scalars as RESP3 scalars; strings and containers as JSON text, or (expand) strings raw and containers native.</summary>
    internal static JsonReply Resp3Value(JsonValue value, JsonFormatOptions format, bool expand)
    {
        switch (value.Kind)
        {
            case JsonKind.Null:
                return JsonReply.Null;
            case JsonKind.True:
            case JsonKind.False:
                return JsonReply.FromBoolean(value.BooleanValue);
            case JsonKind.Integer:
                return JsonReply.FromInteger(value.IntegerValue);
            case JsonKind.Double:
                return JsonReply.FromDouble(value.DoubleValue);
        }
        if (!expand)
        {
            return JsonOperationSupport.Serialized(value, format);
        }
        switch (value.Kind)
        {
            case JsonKind.String:
                return JsonReply.Bulk(value.StringBytes);
            case JsonKind.Array:
            {
                var items = new List<JsonReply>(value.Count);
                foreach (var item in value.Items)
                {
                    items.Add(Resp3Value(item, format, expand));
                }
                return JsonReply.Array(items);
            }
            default:
            {
                var entries = new List<JsonReply>(value.Count * 2);
                foreach (var member in value.Members)
                {
                    entries.Add(JsonReply.Bulk(member.Name));
                    entries.Add(Resp3Value(member.Value, format, expand));
                }
                return JsonReply.Map(entries);
            }
        }
    }

    /// <summary>JSON.MGET: one reply per key; null for a missing key or a path that does not resolve.</summary>
    public static JsonCommandResult MGet(IReadOnlyList<JsonValue?> roots, string pathText)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        var replies = new List<JsonReply>(roots.Count);
        foreach (var root in roots)
        {
            if (root is null)
            {
                replies.Add(JsonReply.Null);
                continue;
            }
            var values = JsonPathEvaluator.Select(root, path);
            if (!path.IsLegacy)
            {
                replies.Add(SerializedArray(values));
            }
            else
            {
                replies.Add(values.Count == 0 ? JsonReply.Null : Serialized(values[0]));
            }
        }
        return JsonCommandResult.Read(JsonReply.Array(replies));
    }

    /// <summary>
    /// JSON.MSET: all-or-nothing validation (paths compile, values parse, non-root paths only on existing keys), then every
    /// triplet is applied in order. Items' Root is updated in place; the caller stores those with Effect Modified.
    /// </summary>
    public static JsonCommandResult MSet(IReadOnlyList<JsonMSetItem> items)
    {
        foreach (var item in items)
        {
            if (!TryCompile(item.Path, out var path, out var error))
            {
                return error;
            }
            if (!path.IsRoot && item.Root is null)
            {
                return JsonCommandResult.Fail(JsonErrors.NewObjectsAtRoot);
            }
        }
        bool any = false;
        foreach (var item in items)
        {
            var root = item.Root;
            var result = Set(ref root, item.Path, item.Value.DeepClone(), JsonSetCondition.None);
            item.Root = root;
            item.Effect = result.Effect;
            any |= result.Effect == JsonKeyEffect.Modified;
        }
        return new JsonCommandResult(JsonReply.Ok, any ? JsonKeyEffect.Modified : JsonKeyEffect.None);
    }

    /// <summary>JSON.MERGE: RFC 7396 merge patch at each match; a missing last member is added as with JSON.SET.</summary>
    public static JsonCommandResult Merge(ref JsonValue? root, string pathText, JsonValue patch)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            if (!path.IsRoot)
            {
                return JsonCommandResult.Fail(JsonErrors.NewObjectsAtRoot);
            }
            root = RemoveNulls(patch);
            return new JsonCommandResult(JsonReply.Ok, JsonKeyEffect.Modified);
        }
        if (path.IsRoot)
        {
            if (!FitsAt(0, patch))
            {
                return JsonCommandResult.Fail(JsonErrors.NestingTooDeep);
            }
            root = MergePatch(root, patch);
            return new JsonCommandResult(JsonReply.Ok, JsonKeyEffect.Modified);
        }
        var matches = JsonPathEvaluator.SelectWithLocations(root, path);
        if (matches.Count == 0)
        {
            return AddAtMissingPath(root, path, patch);
        }
        if (patch.Kind == JsonKind.Null)
        {
            foreach (var match in ForDeletion(matches))
            {
                Remove(match.Location!);
            }
            return new JsonCommandResult(JsonReply.Ok, JsonKeyEffect.Modified);
        }
        foreach (var match in matches)
        {
            if (!FitsAt(match.Location?.Depth ?? 0, patch))
            {
                return JsonCommandResult.Fail(JsonErrors.NestingTooDeep);
            }
        }
        foreach (var match in TopMost(matches))
        {
            var merged = MergePatch(match.Value, patch.DeepClone());
            if (!ReferenceEquals(merged, match.Value))
            {
                Replace(ref root, match, merged);
            }
        }
        return new JsonCommandResult(JsonReply.Ok, JsonKeyEffect.Modified);
    }

    /// <summary>RFC 7396 MergePatch(target, patch); returns the new target (the same node when merged in place).</summary>
    public static JsonValue MergePatch(JsonValue target, JsonValue patch)
    {
        if (patch.Kind != JsonKind.Object)
        {
            return patch;
        }
        if (target.Kind != JsonKind.Object)
        {
            target = JsonValue.Object();
        }
        foreach (var member in patch.Members)
        {
            if (member.Value.Kind == JsonKind.Null)
            {
                target.RemoveMember(member.Name);
                continue;
            }
            var existing = target.GetMember(member.Name);
            target.SetMember(member.Name, MergePatch(existing ?? JsonValue.Null(), member.Value));
        }
        return target;
    }

    private static JsonValue RemoveNulls(JsonValue patch) => MergePatch(JsonValue.Null(), patch);

    /// <summary>JSON.DEL / JSON.FORGET: the number of values removed; the root path deletes the key.</summary>
    public static JsonCommandResult Delete(ref JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Read(JsonReply.FromInteger(0));
        }
        if (path.IsRoot)
        {
            root = null;
            return new JsonCommandResult(JsonReply.FromInteger(1), JsonKeyEffect.Deleted);
        }
        var matches = JsonPathEvaluator.SelectWithLocations(root, path);
        int deleted = 0;
        foreach (var match in ForDeletion(matches))
        {
            if (match.Location is null)
            {
                continue;
            }
            Remove(match.Location);
            deleted++;
        }
        return new JsonCommandResult(JsonReply.FromInteger(deleted), deleted > 0 ? JsonKeyEffect.Modified : JsonKeyEffect.None);
    }

    /// <summary>JSON.TYPE: the type name (legacy) or an array of names.</summary>
    public static JsonCommandResult Type(JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Read(JsonReply.Null);
        }
        var values = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            return JsonCommandResult.Read(values.Count == 0 ? JsonReply.Null : JsonReply.Bulk(values[0].TypeName));
        }
        var names = new List<JsonReply>(values.Count);
        foreach (var value in values)
        {
            names.Add(JsonReply.Bulk(value.TypeName));
        }
        return JsonCommandResult.Read(JsonReply.Array(names));
    }

    /// <summary>JSON.CLEAR: empties non-empty arrays and objects and zeroes non-zero numbers at the (first) path; replies with the count.</summary>
    public static JsonCommandResult Clear(ref JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? "$", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        int cleared = 0;
        foreach (var match in TopMost(JsonPathEvaluator.SelectWithLocations(root, path)))
        {
            var value = match.Value;
            switch (value.Kind)
            {
                case JsonKind.Array when value.Count > 0:
                    value.Items.Clear();
                    cleared++;
                    break;
                case JsonKind.Object when value.Count > 0:
                    value.ClearMembers();
                    cleared++;
                    break;
                case JsonKind.Integer when value.IntegerValue != 0:
                case JsonKind.Double when value.DoubleValue != 0:
                    value.SetInteger(0);
                    cleared++;
                    break;
            }
        }
        return new JsonCommandResult(JsonReply.FromInteger(cleared), cleared > 0 ? JsonKeyEffect.Modified : JsonKeyEffect.None);
    }

    /// <summary>JSON.RESP: the value as RESP (arrays led by "[", objects by "{", booleans as simple strings).</summary>
    public static JsonCommandResult Resp(JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Read(JsonReply.Null);
        }
        var values = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            return values.Count == 0
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExist(path.Normalized))
                : JsonCommandResult.Read(ToResp(values[0]));
        }
        var replies = new List<JsonReply>(values.Count);
        foreach (var value in values)
        {
            replies.Add(ToResp(value));
        }
        return JsonCommandResult.Read(JsonReply.Array(replies));
    }

    public static JsonReply ToResp(JsonValue value)
    {
        switch (value.Kind)
        {
            case JsonKind.Null:
                return JsonReply.Null;
            case JsonKind.True:
                return JsonReply.Simple("true");
            case JsonKind.False:
                return JsonReply.Simple("false");
            case JsonKind.Integer:
                return JsonReply.FromInteger(value.IntegerValue);
            case JsonKind.Double:
                return JsonReply.FromDouble(value.DoubleValue);
            case JsonKind.String:
                return JsonReply.Bulk(value.StringBytes);
            case JsonKind.Array:
            {
                var items = new List<JsonReply>(value.Count + 1) { JsonReply.Simple("[") };
                foreach (var item in value.Items)
                {
                    items.Add(ToResp(item));
                }
                return JsonReply.Array(items);
            }
            default:
            {
                var items = new List<JsonReply>((2 * value.Count) + 1) { JsonReply.Simple("{") };
                foreach (var member in value.Members)
                {
                    items.Add(JsonReply.Bulk(member.Name));
                    items.Add(ToResp(member.Value));
                }
                return JsonReply.Array(items);
            }
        }
    }

    /// <summary>JSON.DEBUG MEMORY: estimated bytes of the value (legacy) or of each match.</summary>
    public static JsonCommandResult DebugMemory(JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Read(path.IsLegacy ? JsonReply.FromInteger(0) : JsonReply.EmptyArray);
        }
        var values = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            return values.Count == 0
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExist(path.Normalized))
                : JsonCommandResult.Read(JsonReply.FromInteger(values[0].EstimateMemoryBytes()));
        }
        var sizes = new List<JsonReply>(values.Count);
        foreach (var value in values)
        {
            sizes.Add(JsonReply.FromInteger(value.EstimateMemoryBytes()));
        }
        return JsonCommandResult.Read(JsonReply.Array(sizes));
    }
}
