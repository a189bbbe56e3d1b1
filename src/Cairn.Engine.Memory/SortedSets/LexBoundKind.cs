namespace Cairn.Engine.Memory.SortedSets;

public enum LexBoundKind
{
    NegativeInfinity,
    PositiveInfinity,
    Inclusive,
    Exclusive,
}
