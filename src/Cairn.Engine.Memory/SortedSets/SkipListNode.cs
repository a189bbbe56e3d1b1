namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// A skip-list element: member, score, backward link, per-level forward links with their spans, and the next node in its
/// <see cref="MemberIndex"/> bucket. Level 0 lives in the node itself and only the levels above it in an array, so the
/// three nodes in four that have one level cost one object of 64 bytes. The level-0 span is not stored: a level-0 link
/// always skips exactly one element (spans are only read on links that have a forward node).
/// Fields rather than properties: the skip list and the index are the only writers, and every traversal step reads them.
/// </summary>
internal sealed class SkipListNode
{
    /// <summary>Levels 1.. (index level - 1); null for a one-level node. Its length never changes.</summary>
    internal readonly UpperLevel[]? Upper;

    /// <summary>Next node at level 0.</summary>
    internal SkipListNode? Forward0;

    internal SkipListNode? Backward;

    /// <summary>Next node in the same <see cref="MemberIndex"/> bucket.</summary>
    internal SkipListNode? NextInBucket;

    internal double Score;

    public SkipListNode(int levels, double score, byte[] member)
    {
        Upper = levels > 1 ? new UpperLevel[levels - 1] : null;
        Score = score;
        Member = member;
    }

    public byte[] Member { get; }

    public int Levels => (Upper?.Length ?? 0) + 1;

    internal struct UpperLevel
    {
        public SkipListNode? Forward;

        /// <summary>How many level-0 steps the link skips (what makes rank queries O(log n)).</summary>
        public long Span;

        /// <summary>Forward's score, kept beside the link (equal to Forward.Score whenever Forward is set).</summary>
        public double ForwardScore;

        /// <summary>
        /// Forward's <see cref="Upper"/> (set with Forward). With the score, it lets a descent on the upper levels compare
        /// and move without loading the forward node: one cache miss (this array) per node it moves to and none for the
        /// node it stops before, where a node then its array cost two (Redis's node, with its levels inline, costs one
        /// per node compared).
        /// </summary>
        public UpperLevel[]? ForwardUpper;
    }
}
