namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// One element of a <see cref="SkipList"/>, stored by value in the list's node array and named by its index there
/// (node 0 is the header; 0 in a link means "none"). 32 bytes, so a level-0 step (forward, then the next node's score
/// and member) touches one cache line per node, as Redis's zskiplistNode does.
/// A free node has a null <see cref="Member"/> and links the free list through <see cref="Forward"/>.
/// Fields rather than properties: the skip list and its member index are the only writers, and every step reads them.
/// </summary>
internal struct SkipListNode
{
    public byte[]? Member;

    public double Score;

    /// <summary>Next node at level 0 (0 = none; for a free node, the next free node).</summary>
    public int Forward;

    /// <summary>Previous node at level 0 (0 = this is the first).</summary>
    public int Backward;

    /// <summary>Offset of this node's levels 1.. in the list's link pool; 0 for a one-level node (the header's is 0 too).</summary>
    public int Upper;

    /// <summary><see cref="Cairn.Primitives.ByteArrayComparer.Hash"/> of the member: the index grows and deletes without rehashing.</summary>
    public int Hash;
}
