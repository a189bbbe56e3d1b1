namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// The chunked slot storage of <see cref="ChainedTable{TSlot}"/> (the keyspace and the collections' tables). While a table fits in
/// one chunk, chunk 0 is a power-of-two array of at most <see cref="Slots"/> that doubles by copying (small tables stay
/// small); past that, growth adds a chunk of exactly <see cref="Slots"/>, so a large table never copies its slots nor
/// leaves a discarded array of half its size behind as garbage. Slot i is <c>chunks[i &gt;&gt; Shift][i &amp; Mask]</c>,
/// and its index never changes.
/// </summary>
internal static class SlotChunks
{
    public const int Shift = 13;
    public const int Slots = 1 << Shift;
    public const int Mask = Slots - 1;

    /// <summary>Storage for <paramref name="size"/> slots (capped at one chunk); returns it and its capacity.</summary>
    public static T[][] Create<T>(int size, out int capacity)
    {
        T[][] chunks = [new T[Math.Min(size, Slots)]];
        capacity = chunks[0].Length;
        return chunks;
    }

    /// <summary>Grows <paramref name="chunks"/> from <paramref name="capacity"/> slots; returns the new capacity.</summary>
    public static int Grow<T>(ref T[][] chunks, int capacity)
    {
        if (capacity < Slots)
        {
            Array.Resize(ref chunks[0], capacity * 2);
            return capacity * 2;
        }
        int count = capacity >> Shift;
        if (count == chunks.Length)
        {
            Array.Resize(ref chunks, count * 2);
        }
        chunks[count] = new T[Slots];
        return capacity + Slots;
    }
}
