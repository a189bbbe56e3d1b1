namespace Cairn.Commands.Sort;

/// <summary>
/// Redis's pqsort.c (Bentley and McIlroy's quicksort from NetBSD, cut short outside a window), ported step for step. Redis
/// sorts with it when SORT has a BY pattern and a LIMIT window smaller than the whole value, so elements that compare
/// equal (ALPHA BY values that are equal or missing) come out in its order, not in load order; porting it keeps those
/// ties as Redis replies them. Positions outside [left, right] are left only partially ordered.
/// </summary>
internal static class PartialQuickSort
{
    private const int InsertionSortBelow = 7;
    private const int NintherAbove = 40;

    public static void Sort(Span<SortItem> items, Comparison<SortItem> compare, long left, long right)
    {
        Run(items, 0, items.Length, compare, left, right);
    }

    private static void Run(Span<SortItem> v, int a, int n, Comparison<SortItem> cmp, long left, long right)
    {
        while (true)
        {
            if (n < InsertionSortBelow)
            {
                for (int pm = a + 1; pm < a + n; pm++)
                {
                    for (int pl = pm; pl > a && cmp(v[pl - 1], v[pl]) > 0; pl--)
                    {
                        Swap(v, pl, pl - 1);
                    }
                }
                return;
            }
            int middle = a + n / 2;
            if (n > InsertionSortBelow)
            {
                int low = a;
                int high = a + n - 1;
                if (n > NintherAbove)
                {
                    int d = n / 8;
                    low = MedianOfThree(v, low, low + d, low + 2 * d, cmp);
                    middle = MedianOfThree(v, middle - d, middle, middle + d, cmp);
                    high = MedianOfThree(v, high - 2 * d, high - d, high, cmp);
                }
                middle = MedianOfThree(v, low, middle, high, cmp);
            }
            Swap(v, a, middle);
            int pa = a + 1;
            int pb = pa;
            int pc = a + n - 1;
            int pd = pc;
            while (true)
            {
                int result;
                while (pb <= pc && (result = cmp(v[pb], v[a])) <= 0)
                {
                    if (result == 0)
                    {
                        Swap(v, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (result = cmp(v[pc], v[a])) >= 0)
                {
                    if (result == 0)
                    {
                        Swap(v, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc)
                {
                    break;
                }
                Swap(v, pb, pc);
                pb++;
                pc--;
            }
            int end = a + n;
            int r = Math.Min(pa - a, pb - pa);
            SwapRanges(v, a, pb - r, r);
            r = Math.Min(pd - pc, end - pd - 1);
            SwapRanges(v, pb, end - r, r);
            if ((r = pb - pa) > 1 && Overlaps(a, r, left, right))
            {
                Run(v, a, r, cmp, left, right);
            }
            if ((r = pd - pc) > 1)
            {
                a = end - r;
                n = r;
                if (Overlaps(a, n, left, right))
                {
                    continue;
                }
            }
            return;
        }
    }

    /// <summary>Whether elements [start, start + count) touch the window [left, right] (pqsort's lrange/rrange test).</summary>
    private static bool Overlaps(int start, int count, long left, long right) =>
        !((left < start && right < start) || (left >= start + count && right >= start + count));

    private static int MedianOfThree(Span<SortItem> v, int a, int b, int c, Comparison<SortItem> cmp) =>
        cmp(v[a], v[b]) < 0
            ? (cmp(v[b], v[c]) < 0 ? b : (cmp(v[a], v[c]) < 0 ? c : a))
            : (cmp(v[b], v[c]) > 0 ? b : (cmp(v[a], v[c]) < 0 ? a : c));

    private static void Swap(Span<SortItem> v, int i, int j) => (v[i], v[j]) = (v[j], v[i]);

    private static void SwapRanges(Span<SortItem> v, int i, int j, int count)
    {
        for (int k = 0; k < count; k++)
        {
            Swap(v, i + k, j + k);
        }
    }
}
