namespace Cairn.Engine.Memory.SortedSets;

/// <summary>One end of a ZRANGEBYLEX interval: "-", "+", "[value" (inclusive) or "(value" (exclusive).</summary>
public readonly record struct LexBound(LexBoundKind Kind, byte[] Value)
{
    /// <summary>Parses Redis's lex range item; false for anything else (including an empty argument).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out LexBound bound)
    {
        bound = default;
        if (text.IsEmpty)
        {
            return false;
        }
        switch (text[0])
        {
            case (byte)'+':
                if (text.Length != 1)
                {
                    return false;
                }
                bound = new LexBound(LexBoundKind.PositiveInfinity, []);
                return true;
            case (byte)'-':
                if (text.Length != 1)
                {
                    return false;
                }
                bound = new LexBound(LexBoundKind.NegativeInfinity, []);
                return true;
            case (byte)'(':
                bound = new LexBound(LexBoundKind.Exclusive, text[1..].ToArray());
                return true;
            case (byte)'[':
                bound = new LexBound(LexBoundKind.Inclusive, text[1..].ToArray());
                return true;
            default:
                return false;
        }
    }

    /// <summary>Compares a member with this bound as a point: -inf below everything, +inf above.</summary>
    public int CompareMember(ReadOnlySpan<byte> member) => Kind switch
    {
        LexBoundKind.NegativeInfinity => 1,
        LexBoundKind.PositiveInfinity => -1,
        _ => member.SequenceCompareTo(Value),
    };
}
