using System.Text;
using Cairn.Documents.Json;

namespace Cairn.Documents.Path;

/// <summary>
/// Evaluates compiled paths against a document. Results are in document order per segment, as jsonpath_rs produces them
/// (recursive descent visits a node before its children).
/// </summary>
public static class JsonPathEvaluator
{
    public static List<JsonValue> Select(JsonValue root, JsonPath path)
    {
        var matches = new List<JsonMatch>();
        Apply(root, path.Segments, 0, root, null, track: false, matches);
        var values = new List<JsonValue>(matches.Count);
        foreach (var match in matches)
        {
            values.Add(match.Value);
        }
        return values;
    }

    public static List<JsonMatch> SelectWithLocations(JsonValue root, JsonPath path)
    {
        var matches = new List<JsonMatch>();
        Apply(root, path.Segments, 0, root, null, track: true, matches);
        return matches;
    }

    /// <summary>Evaluates segments relative to <paramref name="start"/> (filters' `@` paths, index field paths).</summary>
    public static void SelectRelative(JsonValue root, JsonValue start, IReadOnlyList<PathSegment> segments, List<JsonValue> output)
    {
        var matches = new List<JsonMatch>();
        Apply(root, segments, 0, start, null, track: false, matches);
        foreach (var match in matches)
        {
            output.Add(match.Value);
        }
    }

    private static void Apply(JsonValue root, IReadOnlyList<PathSegment> segments, int index, JsonValue node, PathStep? step, bool track, List<JsonMatch> output)
    {
        if (index == segments.Count)
        {
            output.Add(new JsonMatch(node, step));
            return;
        }
        var segment = segments[index];
        if (segment.Recursive)
        {
            ApplyRecursive(root, segments, index, node, step, track, output);
            return;
        }
        ApplySelector(root, segments, index, segment, node, step, track, output);
    }

    private static void ApplyRecursive(JsonValue root, IReadOnlyList<PathSegment> segments, int index, JsonValue node, PathStep? step, bool track, List<JsonMatch> output)
    {
        ApplySelector(root, segments, index, segments[index], node, step, track, output);
        if (node.Kind == JsonKind.Array)
        {
            var items = node.Items;
            for (int i = 0; i < items.Count; i++)
            {
                ApplyRecursive(root, segments, index, items[i], track ? new PathStep(step, node, null, i) : null, track, output);
            }
        }
        else if (node.Kind == JsonKind.Object)
        {
            var members = node.Members;
            for (int i = 0; i < members.Count; i++)
            {
                ApplyRecursive(root, segments, index, members[i].Value, track ? new PathStep(step, node, members[i].Name, i) : null, track, output);
            }
        }
    }

    private static void ApplySelector(JsonValue root, IReadOnlyList<PathSegment> segments, int index, PathSegment segment, JsonValue node, PathStep? step, bool track, List<JsonMatch> output)
    {
        int next = index + 1;
        switch (segment.Kind)
        {
            case PathSelectorKind.Name:
            case PathSelectorKind.Names:
                if (node.Kind != JsonKind.Object)
                {
                    return;
                }
                foreach (var name in segment.Names)
                {
                    int member = node.IndexOfMember(name);
                    if (member >= 0)
                    {
                        var found = node.Members[member];
                        Apply(root, segments, next, found.Value, track ? new PathStep(step, node, found.Name, member) : null, track, output);
                    }
                }
                return;
            case PathSelectorKind.Wildcard:
                ForEachChild(root, segments, next, node, step, track, output, filter: null);
                return;
            case PathSelectorKind.Filter:
                ForEachChild(root, segments, next, node, step, track, output, segment.Filter);
                return;
            case PathSelectorKind.Indexes:
                if (node.Kind != JsonKind.Array)
                {
                    return;
                }
                foreach (long raw in segment.Indexes)
                {
                    long position = raw < 0 ? node.Items.Count + raw : raw;
                    if (position >= 0 && position < node.Items.Count)
                    {
                        int at = (int)position;
                        Apply(root, segments, next, node.Items[at], track ? new PathStep(step, node, null, at) : null, track, output);
                    }
                }
                return;
            case PathSelectorKind.Slice:
            {
                if (node.Kind != JsonKind.Array)
                {
                    return;
                }
                long length = node.Items.Count;
                long stepSize = segment.SliceStep;
                if (stepSize > 0)
                {
                    long start = Normalize(segment.SliceStart ?? 0, length);
                    long end = Normalize(segment.SliceEnd ?? length, length);
                    for (long i = start; i < end; i += stepSize)
                    {
                        int at = (int)i;
                        Apply(root, segments, next, node.Items[at], track ? new PathStep(step, node, null, at) : null, track, output);
                    }
                }
                else
                {
                    long start = segment.SliceStart is { } s ? Math.Min(Normalize(s, length), length - 1) : length - 1;
                    long end = segment.SliceEnd is { } e ? Normalize(e, length) : -1;
                    for (long i = start; i > end; i += stepSize)
                    {
                        int at = (int)i;
                        Apply(root, segments, next, node.Items[at], track ? new PathStep(step, node, null, at) : null, track, output);
                    }
                }
                return;
            }
        }
    }

    private static long Normalize(long position, long length)
    {
        if (position < 0)
        {
            return Math.Max(0, length + position);
        }
        return Math.Min(position, length);
    }

    private static void ForEachChild(JsonValue root, IReadOnlyList<PathSegment> segments, int next, JsonValue node, PathStep? step, bool track, List<JsonMatch> output, FilterNode? filter)
    {
        if (node.Kind == JsonKind.Array)
        {
            var items = node.Items;
            for (int i = 0; i < items.Count; i++)
            {
                if (filter is null || FilterEvaluator.IsTrue(filter, root, items[i]))
                {
                    Apply(root, segments, next, items[i], track ? new PathStep(step, node, null, i) : null, track, output);
                }
            }
        }
        else if (node.Kind == JsonKind.Object)
        {
            var members = node.Members;
            for (int i = 0; i < members.Count; i++)
            {
                if (filter is null || FilterEvaluator.IsTrue(filter, root, members[i].Value))
                {
                    Apply(root, segments, next, members[i].Value, track ? new PathStep(step, node, members[i].Name, i) : null, track, output);
                }
            }
        }
    }

    /// <summary>The normalized textual form of a location, e.g. ["a", 3] for $.a[3]; used to order multi-path updates.</summary>
    public static List<object> Steps(PathStep? location)
    {
        var steps = new List<object>();
        for (var step = location; step is not null; step = step.Parent)
        {
            steps.Add(step.Name is null ? step.Index : Encoding.UTF8.GetString(step.Name));
        }
        steps.Reverse();
        return steps;
    }
}
