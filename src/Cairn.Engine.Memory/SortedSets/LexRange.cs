namespace Cairn.Engine.Memory.SortedSets;

/// <summary>A member interval as ZRANGEBYLEX takes it (meaningful when all scores are equal).</summary>
public readonly record struct LexRange(LexBound Min, LexBound Max)
{
    /// <summary>True while a member lies before the interval's start.</summary>
    public bool IsBelowMin(ReadOnlySpan<byte> member)
    {
        int cmp = Min.CompareMember(member);
        return Min.Kind == LexBoundKind.Exclusive ? cmp <= 0 : cmp < 0;
    }

    /// <summary>True while a member has not passed the interval's end.</summary>
    public bool IsAtMostMax(ReadOnlySpan<byte> member)
    {
        int cmp = Max.CompareMember(member);
        return Max.Kind == LexBoundKind.Exclusive ? cmp < 0 : cmp <= 0;
    }
}
