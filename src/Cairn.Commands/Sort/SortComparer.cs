namespace Cairn.Commands.Sort;

/// <summary>
/// sort.c's sortCompare. Numeric: by weight, equal weights by the element's bytes. ALPHA: by the BY value (a missing one
/// first) or by the element. Redis compares ALPHA values with strcoll unless STORE is given (then binary); Cairn runs in the
/// C locale, where strcoll is strcmp: bytes up to the first NUL. DESC reverses the whole comparison, ties included.
/// </summary>
internal sealed class SortComparer : IComparer<SortItem>
{
    private readonly bool _descending;
    private readonly bool _alpha;
    private readonly bool _byPattern;
    private readonly bool _binary;

    public SortComparer(bool descending, bool alpha, bool byPattern, bool store)
    {
        _descending = descending;
        _alpha = alpha;
        _byPattern = byPattern;
        _binary = store;
    }

    /// <summary>A total order: Redis's comparison, ties by load position (what glibc's stable merge-sort qsort gives).</summary>
    public int Compare(SortItem left, SortItem right)
    {
        int result = CompareAsRedis(left, right);
        return result != 0 ? result : left.Position.CompareTo(right.Position);
    }

    /// <summary>sortCompare exactly, 0 for ties (what <see cref="PartialQuickSort"/> needs to reproduce Redis's order).</summary>
    public int CompareAsRedis(SortItem left, SortItem right)
    {
        int result = Order(left, right);
        return _descending ? -result : result;
    }

    private int Order(in SortItem left, in SortItem right)
    {
        if (!_alpha)
        {
            if (left.Score > right.Score)
            {
                return 1;
            }
            if (left.Score < right.Score)
            {
                return -1;
            }
            return Math.Sign(left.Element.AsSpan().SequenceCompareTo(right.Element));
        }
        if (_byPattern)
        {
            if (left.CompareValue is null || right.CompareValue is null)
            {
                return left.CompareValue == right.CompareValue ? 0 : left.CompareValue is null ? -1 : 1;
            }
            return Strings(left.CompareValue, right.CompareValue);
        }
        return Strings(left.Element, right.Element);
    }

    private int Strings(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (!_binary)
        {
            left = UpToNul(left);
            right = UpToNul(right);
        }
        return Math.Sign(left.SequenceCompareTo(right));
    }

    private static ReadOnlySpan<byte> UpToNul(ReadOnlySpan<byte> bytes)
    {
        int nul = bytes.IndexOf((byte)0);
        return nul < 0 ? bytes : bytes[..nul];
    }
}
