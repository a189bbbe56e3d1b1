namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// A link at level 1 or above of a <see cref="SkipList"/> node, stored by value in the list's link pool: a node of L
/// levels owns L - 1 consecutive links (a block). Besides the forward node and span, the link carries its forward node's
/// score and block offset, so a descent on the upper levels compares and moves without loading nodes: one cache miss (the
/// forward node's block) per node moved to and none for the node it stops before.
/// </summary>
internal struct UpperLink
{
    /// <summary>The forward node's score (valid while <see cref="Forward"/> is not 0).</summary>
    public double ForwardScore;

    /// <summary>Next node at this level (0 = none; for a free block's first link, the next free block of its size).</summary>
    public int Forward;

    /// <summary>How many level-0 steps the link skips (what makes rank queries O(log n)).</summary>
    public int Span;

    /// <summary>The forward node's block offset.</summary>
    public int ForwardUpper;

    /// <summary>Levels of the node owning the block (set on its first link; says which free list the block returns to).</summary>
    public int OwnerLevels;
}
