namespace Cairn.Commands.Sort;

/// <summary>
/// One element of the vector SORT orders (sort.c's redisSortObject): the element, its numeric weight, the ALPHA BY value
/// (null when the BY key was missing), and its load position, which breaks the ties Redis leaves to qsort so the order is
/// deterministic.
/// </summary>
internal struct SortItem
{
    public byte[] Element;
    public double Score;
    public byte[]? CompareValue;
    public int Position;
}
