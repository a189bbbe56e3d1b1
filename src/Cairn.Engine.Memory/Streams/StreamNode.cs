namespace Cairn.Engine.Memory.Streams;

/// <summary>
/// A block of up to <see cref="Capacity"/> consecutive entries, in ID order (the role of Redis's listpack nodes).
/// Live entries are Items[Head..Head+Count); removal at the head is O(1), elsewhere a shift within the block.
/// Approximate trimming removes whole nodes only.
/// </summary>
internal sealed class StreamNode
{
    public const int Capacity = 100;

    public StreamEntry[] Items { get; } = new StreamEntry[Capacity];

    public int Head { get; set; }

    public int Count { get; set; }

    public bool IsFull => Head + Count == Capacity;

    public StreamId FirstId => Items[Head].Id;

    public StreamId LastId => Items[Head + Count - 1].Id;

    public ref StreamEntry At(int offset) => ref Items[Head + offset];

    public void Append(StreamEntry entry) => Items[Head + Count++] = entry;

    public void RemoveFirst()
    {
        Items[Head] = default;
        Head++;
        Count--;
    }

    public void RemoveAt(int offset)
    {
        int index = Head + offset;
        Array.Copy(Items, index + 1, Items, index, Count - offset - 1);
        Count--;
        Items[Head + Count] = default;
    }

    /// <summary>Offset of the first entry with ID &gt;= <paramref name="id"/> (Count when none).</summary>
    public int LowerBound(StreamId id)
    {
        int low = 0;
        int high = Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (Items[Head + middle].Id < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    public StreamNode Clone()
    {
        var copy = new StreamNode { Head = 0, Count = Count };
        Array.Copy(Items, Head, copy.Items, 0, Count);
        return copy;
    }
}
