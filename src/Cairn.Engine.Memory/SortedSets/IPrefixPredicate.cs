namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// A condition true for a prefix of a sorted set's order and false after it ("score below min", "member at most max"),
/// so that its extent is found by descent in O(log n). Structs, so the generic descent does not allocate.
/// </summary>
internal interface IPrefixPredicate
{
    bool Holds(double score, byte[] member);
}
