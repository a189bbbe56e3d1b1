using Cairn.Documents.Json;
using Cairn.Documents.Path;
using static Cairn.Documents.Operations.JsonOperationSupport;

namespace Cairn.Documents.Operations;

/// <summary>JSON.ARR* and JSON.OBJ*. Same contract as <see cref="JsonDocumentOperations"/>.</summary>
public static class JsonContainerOperations
{
    public static JsonCommandResult ArrAppend(ref JsonValue? root, string pathText, IReadOnlyList<JsonValue> values)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        if (!ValuesFit(root, path, values))
        {
            return JsonCommandResult.Fail(JsonErrors.NestingTooDeep);
        }
        var arrays = JsonPathEvaluator.Select(root, path);
        var replies = new List<JsonReply>(arrays.Count);
        long last = -1;
        foreach (var array in arrays)
        {
            if (array.Kind != JsonKind.Array)
            {
                replies.Add(JsonReply.Null);
                continue;
            }
            foreach (var value in values)
            {
                array.Items.Add(value.DeepClone());
            }
            last = array.Count;
            replies.Add(JsonReply.FromInteger(last));
        }
        var effect = last >= 0 ? JsonKeyEffect.Modified : JsonKeyEffect.None;
        if (path.IsLegacy)
        {
            return last < 0
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Original, "not an array"))
                : new JsonCommandResult(JsonReply.FromInteger(last), effect);
        }
        return new JsonCommandResult(JsonReply.Array(replies), effect);
    }

    /// <summary>JSON.ARRINDEX: first index of an equal element in [start, stop) (stop 0 means the end); -1 if absent.</summary>
    public static JsonCommandResult ArrIndex(JsonValue? root, string pathText, JsonValue value, long start, long stop)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.PathDoesNotExist(path.Original));
        }
        var arrays = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            if (arrays.Count == 0)
            {
                return JsonCommandResult.Fail(JsonErrors.PathDoesNotExist(path.Normalized));
            }
            return arrays[0].Kind != JsonKind.Array
                ? JsonCommandResult.Fail(JsonErrors.Expected("array", arrays[0].TypeName))
                : JsonCommandResult.Read(JsonReply.FromInteger(FirstIndex(arrays[0], value, start, stop)));
        }
        var replies = new List<JsonReply>(arrays.Count);
        foreach (var array in arrays)
        {
            replies.Add(array.Kind == JsonKind.Array ? JsonReply.FromInteger(FirstIndex(array, value, start, stop)) : JsonReply.Null);
        }
        return JsonCommandResult.Read(JsonReply.Array(replies));
    }

    private static bool ValuesFit(JsonValue root, JsonPath path, IReadOnlyList<JsonValue> values)
    {
        int deepest = 0;
        foreach (var value in values)
        {
            deepest = Math.Max(deepest, Depth(value));
        }
        if (deepest == 0)
        {
            return true;
        }
        foreach (var match in JsonPathEvaluator.SelectWithLocations(root, path))
        {
            if (match.Value.Kind == JsonKind.Array && (match.Location?.Depth ?? 0) + 1 + deepest > JsonLimits.MaxNestingDepth)
            {
                return false;
            }
        }
        return true;
    }

    private static long FirstIndex(JsonValue array, JsonValue value, long start, long stop)
    {
        long length = array.Count;
        if (length == 0)
        {
            return -1;
        }
        start = start < 0 ? Math.Max(0, length + start) : Math.Min(start, length - 1);
        stop = stop == 0 ? length : stop < 0 ? Math.Max(0, length + stop) : Math.Min(stop, length);
        for (long i = start; i < stop; i++)
        {
            if (array.Items[(int)i].DeepEquals(value))
            {
                return i;
            }
        }
        return -1;
    }

    public static JsonCommandResult ArrInsert(ref JsonValue? root, string pathText, long index, IReadOnlyList<JsonValue> values)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        if (!ValuesFit(root, path, values))
        {
            return JsonCommandResult.Fail(JsonErrors.NestingTooDeep);
        }
        var arrays = JsonPathEvaluator.Select(root, path);
        var replies = new List<JsonReply>(arrays.Count);
        long last = -1;
        foreach (var array in arrays)
        {
            if (array.Kind != JsonKind.Array)
            {
                replies.Add(JsonReply.Null);
                continue;
            }
            long length = array.Count;
            if (index < -length || index > length)
            {
                return new JsonCommandResult(JsonReply.Error(JsonErrors.IndexOutOfBounds), last >= 0 ? JsonKeyEffect.Modified : JsonKeyEffect.None);
            }
            int at = (int)(index < 0 ? length + index : index);
            var copies = new List<JsonValue>(values.Count);
            foreach (var value in values)
            {
                copies.Add(value.DeepClone());
            }
            array.Items.InsertRange(at, copies);
            last = array.Count;
            replies.Add(JsonReply.FromInteger(last));
        }
        var effect = last >= 0 ? JsonKeyEffect.Modified : JsonKeyEffect.None;
        if (path.IsLegacy)
        {
            return last < 0
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Normalized, "not an array"))
                : new JsonCommandResult(JsonReply.FromInteger(last), effect);
        }
        return new JsonCommandResult(JsonReply.Array(replies), effect);
    }

    public static JsonCommandResult ArrLen(JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return path.IsLegacy ? JsonCommandResult.Read(JsonReply.Null) : JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        var values = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            if (values.Count == 0)
            {
                return JsonCommandResult.Fail(JsonErrors.PathDoesNotExist(path.Original));
            }
            return values[0].Kind == JsonKind.Array
                ? JsonCommandResult.Read(JsonReply.FromInteger(values[0].Count))
                : JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Original, "not an array"));
        }
        var replies = new List<JsonReply>(values.Count);
        foreach (var value in values)
        {
            replies.Add(value.Kind == JsonKind.Array ? JsonReply.FromInteger(value.Count) : JsonReply.Null);
        }
        return JsonCommandResult.Read(JsonReply.Array(replies));
    }

    /// <summary>JSON.ARRPOP: removes and returns (as JSON text) the element at index (default last), clamped to the array.</summary>
    public static JsonCommandResult ArrPop(ref JsonValue? root, string? pathText, long index)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        var arrays = JsonPathEvaluator.Select(root, path);
        var replies = new List<JsonReply>(arrays.Count);
        bool anyArray = false;
        bool changed = false;
        JsonReply last = JsonReply.Null;
        foreach (var array in arrays)
        {
            if (array.Kind != JsonKind.Array)
            {
                replies.Add(JsonReply.Null);
                continue;
            }
            anyArray = true;
            if (array.Count == 0)
            {
                last = JsonReply.Null;
                replies.Add(last);
                continue;
            }
            long length = array.Count;
            int at = (int)(index < 0 ? Math.Max(0, length + index) : Math.Min(index, length - 1));
            var popped = array.Items[at];
            array.Items.RemoveAt(at);
            changed = true;
            last = Serialized(popped);
            replies.Add(last);
        }
        var effect = changed ? JsonKeyEffect.Modified : JsonKeyEffect.None;
        if (path.IsLegacy)
        {
            return !anyArray
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Normalized, "not an array"))
                : new JsonCommandResult(last, effect);
        }
        return new JsonCommandResult(JsonReply.Array(replies), effect);
    }

    /// <summary>JSON.ARRTRIM: keeps [start, stop] (inclusive, negatives from the end) and replies with the new length.</summary>
    public static JsonCommandResult ArrTrim(ref JsonValue? root, string pathText, long start, long stop)
    {
        if (!TryCompile(pathText, out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        var arrays = JsonPathEvaluator.Select(root, path);
        var replies = new List<JsonReply>(arrays.Count);
        long last = -1;
        foreach (var array in arrays)
        {
            if (array.Kind != JsonKind.Array)
            {
                replies.Add(JsonReply.Null);
                continue;
            }
            Trim(array.Items, start, stop);
            last = array.Count;
            replies.Add(JsonReply.FromInteger(last));
        }
        var effect = last >= 0 ? JsonKeyEffect.Modified : JsonKeyEffect.None;
        if (path.IsLegacy)
        {
            return last < 0
                ? JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Normalized, "not an array"))
                : new JsonCommandResult(JsonReply.FromInteger(last), effect);
        }
        return new JsonCommandResult(JsonReply.Array(replies), effect);
    }

    private static long NormalizeIndex(long index, long length) =>
        index < 0 ? Math.Max(0, length + index) : Math.Min(index, length - 1);

    private static void Trim(JsonArrayItems items, long start, long stop)
    {
        long length = items.Count;
        long normalizedStop = NormalizeIndex(stop, length);
        long normalizedStart = start < 0 || start < length ? NormalizeIndex(start, length) : normalizedStop + 1;
        if (normalizedStart > normalizedStop || length == 0)
        {
            items.Clear();
            return;
        }
        int from = (int)normalizedStart;
        int count = (int)(normalizedStop - normalizedStart + 1);
        items.RemoveRange(from + count, items.Count - from - count);
        items.RemoveRange(0, from);
    }

    public static JsonCommandResult ObjKeys(JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return path.IsLegacy ? JsonCommandResult.Read(JsonReply.Null) : JsonCommandResult.Fail(JsonErrors.NonexistentKey);
        }
        var values = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            if (values.Count == 0)
            {
                return JsonCommandResult.Read(JsonReply.Null);
            }
            return values[0].Kind == JsonKind.Object
                ? JsonCommandResult.Read(Keys(values[0]))
                : JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Normalized, "not an object"));
        }
        var replies = new List<JsonReply>(values.Count);
        foreach (var value in values)
        {
            replies.Add(value.Kind == JsonKind.Object ? Keys(value) : JsonReply.Null);
        }
        return JsonCommandResult.Read(JsonReply.Array(replies));
    }

    private static JsonReply Keys(JsonValue value)
    {
        var names = new List<JsonReply>(value.Count);
        foreach (var member in value.Members)
        {
            names.Add(JsonReply.Bulk(member.Name));
        }
        return JsonReply.Array(names);
    }

    public static JsonCommandResult ObjLen(JsonValue? root, string? pathText)
    {
        if (!TryCompile(pathText ?? ".", out var path, out var error))
        {
            return error;
        }
        if (root is null)
        {
            return path.IsLegacy
                ? JsonCommandResult.Read(JsonReply.Null)
                : JsonCommandResult.Fail(JsonErrors.PathDoesNotExistOr(path.Original, "not an object"));
        }
        var values = JsonPathEvaluator.Select(root, path);
        if (path.IsLegacy)
        {
            if (values.Count == 0)
            {
                return JsonCommandResult.Read(JsonReply.Null);
            }
            return values[0].Kind == JsonKind.Object
                ? JsonCommandResult.Read(JsonReply.FromInteger(values[0].Count))
                : JsonCommandResult.Fail(JsonErrors.Expected("object", values[0].TypeName));
        }
        var replies = new List<JsonReply>(values.Count);
        foreach (var value in values)
        {
            replies.Add(value.Kind == JsonKind.Object ? JsonReply.FromInteger(value.Count) : JsonReply.Null);
        }
        return JsonCommandResult.Read(JsonReply.Array(replies));
    }
}
