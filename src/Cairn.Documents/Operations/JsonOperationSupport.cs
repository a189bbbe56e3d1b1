using Cairn.Documents.Json;
using Cairn.Documents.Path;

namespace Cairn.Documents.Operations;

/// <summary>Helpers shared by the JSON.* operations: path compilation, replacement in place, and ordering of multi-match writes.</summary>
internal static class JsonOperationSupport
{
    public static bool TryCompile(string text, out JsonPath path, out JsonCommandResult error)
    {
        if (JsonPathParser.TryParse(text, out path, out string message))
        {
            error = default;
            return true;
        }
        error = JsonCommandResult.Fail(message);
        return false;
    }

    /// <summary>Nesting depth of a value: 0 for scalars, 1 + the deepest child for containers.</summary>
    public static int Depth(JsonValue value)
    {
        if (!value.IsContainer)
        {
            return 0;
        }
        int deepest = 0;
        if (value.Kind == JsonKind.Array)
        {
            foreach (var item in value.Items)
            {
                deepest = Math.Max(deepest, Depth(item));
            }
        }
        else
        {
            foreach (var member in value.Members)
            {
                deepest = Math.Max(deepest, Depth(member.Value));
            }
        }
        return deepest + 1;
    }

    /// <summary>Writes keep every document within the parser's nesting limit, so recursive readers stay bounded.</summary>
    public static bool FitsAt(int locationDepth, JsonValue value) => locationDepth + Depth(value) <= JsonLimits.MaxNestingDepth;

    /// <summary>Replaces the matched value (the root when the match has no location).</summary>
    public static void Replace(ref JsonValue? root, JsonMatch match, JsonValue value)
    {
        if (match.Location is null)
        {
            root = value;
        }
        else
        {
            match.Value.Assign(value);
        }
    }

    /// <summary>Drops matches that lie inside another match, so a value is written once at its top-most matched location.</summary>
    public static List<JsonMatch> TopMost(List<JsonMatch> matches)
    {
        if (matches.Count < 2)
        {
            return matches;
        }
        var result = new List<JsonMatch>(matches.Count);
        foreach (var match in matches)
        {
            bool nested = false;
            foreach (var other in matches)
            {
                if (ReferenceEquals(other.Value, match.Value) && other.Location == match.Location)
                {
                    continue;
                }
                if (other.Location is null)
                {
                    nested = true;
                    break;
                }
                if (match.Location is not null && match.Location.Depth > other.Location.Depth && match.Location.IsWithin(other.Location))
                {
                    nested = true;
                    break;
                }
            }
            if (!nested && !ContainsSame(result, match))
            {
                result.Add(match);
            }
        }
        return result;
    }

    private static bool ContainsSame(List<JsonMatch> matches, JsonMatch candidate)
    {
        foreach (var match in matches)
        {
            if (ReferenceEquals(match.Value, candidate.Value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Deletion order: within one container higher indexes first, so earlier removals do not shift later ones.</summary>
    public static List<JsonMatch> ForDeletion(List<JsonMatch> matches)
    {
        var top = TopMost(matches);
        top.Sort(static (a, b) =>
        {
            int depth = b.Location!.Depth.CompareTo(a.Location!.Depth);
            if (depth != 0)
            {
                return depth;
            }
            return b.Location.Index.CompareTo(a.Location.Index);
        });
        return top;
    }

    public static void Remove(PathStep location)
    {
        var container = location.Container;
        if (container.Kind == JsonKind.Array)
        {
            container.Items.RemoveAt(location.Index);
        }
        else
        {
            container.RemoveMember(location.Name);
        }
    }

    public static bool TryParseJson(ReadOnlySpan<byte> text, out JsonValue value, out JsonCommandResult error)
    {
        if (JsonParser.TryParse(text, out value, out string message))
        {
            error = default;
            return true;
        }
        error = JsonCommandResult.Fail(message);
        return false;
    }

    public static JsonReply Serialized(JsonValue value, JsonFormatOptions? options = null) =>
        JsonReply.Bulk(JsonWriter.ToUtf8(value, options ?? JsonFormatOptions.Compact));

    public static JsonReply SerializedArray(List<JsonValue> values, JsonFormatOptions? options = null) =>
        JsonReply.Bulk(JsonWriter.ArrayToUtf8(values, options ?? JsonFormatOptions.Compact));
}
