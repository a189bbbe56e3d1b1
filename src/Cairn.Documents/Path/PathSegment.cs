namespace Cairn.Documents.Path;

/// <summary>One step of a compiled JSONPath: a selector, applied to the current nodes or (Recursive) to them and all descendants.</summary>
public sealed class PathSegment
{
    public required PathSelectorKind Kind { get; init; }

    /// <summary>True for `..` (recursive descent).</summary>
    public bool Recursive { get; init; }

    /// <summary>Member names for Name (one) and Names (union), UTF-8.</summary>
    public byte[][] Names { get; init; } = [];

    /// <summary>Array indexes for Indexes; negative counts from the end.</summary>
    public long[] Indexes { get; init; } = [];

    public long? SliceStart { get; init; }

    public long? SliceEnd { get; init; }

    public long SliceStep { get; init; } = 1;

    public FilterNode? Filter { get; init; }

    /// <summary>A segment that names exactly one location (a member name or a single index, not recursive).</summary>
    public bool IsStatic => !Recursive && (Kind == PathSelectorKind.Name || (Kind == PathSelectorKind.Indexes && Indexes.Length == 1));
}
