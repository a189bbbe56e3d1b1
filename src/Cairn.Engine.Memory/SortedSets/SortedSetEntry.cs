namespace Cairn.Engine.Memory.SortedSets;

/// <summary>A member and its score.</summary>
public readonly record struct SortedSetEntry(byte[] Member, double Score)
{
    /// <summary>The sorted-set order: by score, then by member bytes (memcmp, shorter first on a common prefix).</summary>
    public static int Compare(double leftScore, ReadOnlySpan<byte> leftMember, double rightScore, ReadOnlySpan<byte> rightMember)
    {
        if (leftScore < rightScore)
        {
            return -1;
        }
        if (leftScore > rightScore)
        {
            return 1;
        }
        return leftMember.SequenceCompareTo(rightMember);
    }
}
