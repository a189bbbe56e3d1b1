using System.Runtime.CompilerServices;

namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// A skip-list element: member, score, backward link and per-level forward links with their spans. Level 0 lives in the
/// node itself and only the levels above it in an array, so the three nodes in four that have one level cost one object
/// (64 bytes) instead of a node and two arrays (112 bytes).
/// </summary>
internal sealed class SkipListNode
{
    private readonly UpperLevel[]? _upper;
    private SkipListNode? _forward0;
    private long _span0;

    public SkipListNode(int levels, double score, byte[] member)
    {
        _upper = levels > 1 ? new UpperLevel[levels - 1] : null;
        Score = score;
        Member = member;
    }

    public byte[] Member { get; }

    public double Score { get; set; }

    public SkipListNode? Backward { get; set; }

    public int Levels => (_upper?.Length ?? 0) + 1;

    /// <summary>Next node at <paramref name="level"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref SkipListNode? ForwardAt(int level) => ref level == 0 ? ref _forward0 : ref _upper![level - 1].Forward;

    /// <summary>How many level-0 steps the forward link at <paramref name="level"/> skips (what makes rank queries O(log n)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref long SpanAt(int level) => ref level == 0 ? ref _span0 : ref _upper![level - 1].Span;

    private struct UpperLevel
    {
        public SkipListNode? Forward;
        public long Span;
    }
}
