using Cairn.Documents.Json;

namespace Cairn.Documents.Path;

/// <summary>
/// Where a match sits: its container and its member name or array index, with the chain up to the root. Write commands use it
/// to replace or remove the match, and to order deletions (higher indexes first, ancestors before descendants are skipped).
/// </summary>
public sealed record PathStep(PathStep? Parent, JsonValue Container, byte[]? Name, int Index)
{
    public int Depth => Parent is null ? 1 : Parent.Depth + 1;

    /// <summary>True if <paramref name="ancestor"/> is this step or one of its ancestors (same container and position).</summary>
    public bool IsWithin(PathStep ancestor)
    {
        for (var step = this; step is not null; step = step.Parent)
        {
            if (ReferenceEquals(step.Container, ancestor.Container) && step.Index == ancestor.Index &&
                (step.Name is null ? ancestor.Name is null : ancestor.Name is not null && step.Name.AsSpan().SequenceEqual(ancestor.Name)))
            {
                return true;
            }
        }
        return false;
    }
}
