namespace Cairn.Engine.Memory.Lists;

/// <summary>
/// The arrays of a big list's full-size chunks. They come from the pinned object heap, uninitialised: a chunk lives as
/// long as its elements, and on the ordinary heap each 8 KiB chunk was zeroed when allocated, then copied twice by the
/// garbage collector (gen0 to gen1 to gen2) and counted against the gen0 budget, so a growing list set off a gen0
/// collection every ~90k LPUSHes of 64 bytes. The pinned heap is never compacted: its arrays are not moved and not
/// promoted, and they do not count against gen0. It is swept only by gen2 collections, so a drained chunk's array is
/// kept for reuse (up to <see cref="MaxPooledPerThread"/> a thread): a list used as a queue takes its next chunk from
/// the ones it drained instead of allocating, and does not set off gen2 collections. Only <see cref="PooledLength"/>
/// arrays come from here, so the pinned heap holds one size and its free space is always reusable.
/// A returned array must not be referenced any more: a chunk hands its array back only when its last element is gone,
/// and no caller keeps a span of a list's element across a removal (LMOVE and the pops copy or reply first).
/// Thread safety: one pool per thread.
/// </summary>
internal static class ChunkArrays
{
    /// <summary>The size of a full chunk at the default list-max-listpack-size (-2, 8 KiB), and the most a chunk is
    /// given up front (<see cref="ChunkedList"/>).</summary>
    public const int PooledLength = 8192;

    /// <summary>Drained chunk arrays a thread keeps (2 MiB).</summary>
    public const int MaxPooledPerThread = 256;

    [ThreadStatic]
    private static Stack<byte[]>? t_free;

    /// <summary>An array of <paramref name="length"/> bytes, its contents unspecified.</summary>
    public static byte[] Rent(int length)
    {
        if (length != PooledLength)
        {
            return new byte[length];
        }
        if (t_free is { Count: > 0 } free)
        {
            return free.Pop();
        }
        return GC.AllocateUninitializedArray<byte>(length, pinned: true);
    }

    /// <summary>Takes back the array of a chunk whose last element is gone (null or any other size is ignored).</summary>
    public static void Return(byte[]? array)
    {
        if (array is null || array.Length != PooledLength)
        {
            return;
        }
        Stack<byte[]> free = t_free ??= new Stack<byte[]>(MaxPooledPerThread);
        if (free.Count < MaxPooledPerThread)
        {
            free.Push(array);
        }
    }
}
