namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// One element of a <see cref="SortedSetTree"/>, stored by value in the tree's element slab and named by its index
/// there (its id; 0 is never used, so 0 means "none"). The tree's leaves order the ids; the slab is what the member
/// index and ZSCORE read. 24 bytes.
/// A free element has a null <see cref="Member"/> and links the free list through <see cref="NextFree"/>.
/// Fields rather than properties: the tree and its member index are the only writers, and every look-up reads them.
/// </summary>
internal struct SortedSetElement
{
    public byte[]? Member;

    public double Score;

    /// <summary><see cref="Cairn.Primitives.ByteArrayComparer.Hash"/> of the member: the index grows and deletes without rehashing.</summary>
    public int Hash;

    /// <summary>For a free element, the next free id (0 = none).</summary>
    public int NextFree;
}
