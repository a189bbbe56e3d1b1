namespace Cairn.Engine.Memory.SortedSets;

/// <summary>A skip-list element: member, score, backward link and per-level forward links with their spans.</summary>
internal sealed class SkipListNode
{
    public SkipListNode(int levels, double score, byte[] member)
    {
        Forward = new SkipListNode?[levels];
        Span = new long[levels];
        Score = score;
        Member = member;
    }

    public byte[] Member { get; }

    public double Score { get; set; }

    public SkipListNode? Backward { get; set; }

    /// <summary>Next node at each level.</summary>
    public SkipListNode?[] Forward { get; }

    /// <summary>How many level-0 steps each forward link skips (what makes rank queries O(log n)).</summary>
    public long[] Span { get; }

    public int Levels => Forward.Length;
}
