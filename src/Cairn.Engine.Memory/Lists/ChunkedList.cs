using Cairn.Engine.Memory.Collections;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Lists;

/// <summary>
/// A large list as Redis's quicklist: a ring of chunks, each a packed buffer of elements ([varint length][bytes]) of at
/// most <see cref="_chunkBytes"/> bytes (or <see cref="_chunkElements"/> elements), so a list of a million elements is a few
/// thousand arrays rather than a million objects. Per element that saves the object header and the reference (about 32
/// bytes), and the garbage collector traces and promotes chunks instead of every element: an object per element made LPUSH
/// cost three times Redis's CPU per request.
/// Push and pop at both ends cost the element, not the chunk (amortized): a chunk keeps free room before its elements for
/// pushes at the head, and popping the head advances its start (<see cref="PackedBuffer"/>); a chunk drained from either
/// end is not shrunk on the way while others remain, it is released whole when its last element goes. Access
/// by index walks chunks from a remembered position (the chunk of the last access), so sequential access by index is
/// O(1) a step; random access is O(chunks) as in Redis. A range (LRANGE, a snapshot) reads through
/// <see cref="ReadFrom"/> instead, which locates only its first element. An insert or replace that overflows a chunk splits it.
/// Invariants: no chunk is empty; _count is the sum of the chunks' counts; chunks [0, _chunkCount) sit in the ring from
/// _head; the cursor (_cursorChunk, _cursorBefore) names a chunk and the number of elements before it, or is reset (-1).
/// A snapshot can read the list outside the store lock (<see cref="Share"/>): until it is done (<see cref="Unshare"/>),
/// the arrays it holds are copy-on-write (a write to a chunk first gives it a private copy; popping only moves a chunk's
/// start or end, which the snapshot's own copy of the chunk does not see) and a removed one is not handed to the pool.
/// Thread safety: none (under the store lock); a shared view is read by one other thread while this list changes.
/// </summary>
internal sealed class ChunkedList
{
    private readonly int _chunkBytes;
    private readonly int _chunkElements;
    private PackedBuffer[] _chunks;
    private int _head;
    private int _chunkCount;
    private int _count;
    private int _cursorChunk = -1;
    private int _cursorBefore;
    /// <summary>The chunk arrays a snapshot's view reads (<see cref="Share"/>), or null.</summary>
    private SharedArrays? _shared;

    /// <param name="chunkBytes">Largest chunk in bytes (an element larger than this gets a chunk of its own).</param>
    /// <param name="chunkElements">Most elements in a chunk.</param>
    public ChunkedList(int chunkBytes, int chunkElements)
    {
        Invariant.Require(chunkBytes > 0 && chunkElements > 0, "chunk limits must be positive");
        _chunkBytes = chunkBytes;
        _chunkElements = chunkElements;
        _chunks = new PackedBuffer[4];
    }

    public int Count => _count;

    /// <summary>Number of chunks (quicklist nodes).</summary>
    public int ChunkCount => _chunkCount;

    /// <summary>Bytes allocated for elements (the chunks' capacities).</summary>
    public long CapacityBytes
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _chunkCount; i++)
            {
                total += Chunk(i).CapacityBytes;
            }
            return total;
        }
    }

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            int chunk = Locate(index, out int local);
            return Chunk(chunk)[local];
        }
    }

    /// <summary>
    /// The elements from <paramref name="index"/> to the end, in order: one walk to the first (which becomes the cursor),
    /// then each chunk's elements read one after another. LRANGE read each element through the indexer, and locating it
    /// again (the cursor, the chunk's cursor, the header) was most of its time. Valid until the list changes.
    /// REQUIRES: 0 &lt;= index &lt; Count.
    /// </summary>
    public ListReader ReadFrom(int index)
    {
        int chunk = Locate(index, out int local);
        return new ListReader(this, chunk, Chunk(chunk).ReadFrom(local));
    }

    /// <summary>The reader of chunk <paramref name="logical"/> from its first element (for <see cref="ListReader"/>),
    /// or false past the last chunk.</summary>
    internal bool TryReadChunk(int logical, out PackedReader reader)
    {
        if (logical >= _chunkCount)
        {
            reader = default;
            return false;
        }
        reader = Chunk(logical).ReadFrom(0);
        return true;
    }

    /// <summary>The first element, without walking to it through the cursor. REQUIRES: not empty.</summary>
    public ReadOnlySpan<byte> First => Chunk(0)[0];

    /// <summary>The last element. REQUIRES: not empty.</summary>
    public ReadOnlySpan<byte> Last
    {
        get
        {
            ref PackedBuffer last = ref Chunk(_chunkCount - 1);
            return last[last.Count - 1];
        }
    }

    public void AddFirst(ReadOnlySpan<byte> element)
    {
        if (_chunkCount == 0 || !Fits(ref Chunk(0), element.Length))
        {
            InsertChunk(0, element.Length);
        }
        Writable(0).Insert(0, element);
        _count++;
        ResetCursor();
    }

    public void AddLast(ReadOnlySpan<byte> element)
    {
        if (_chunkCount == 0 || !Fits(ref Chunk(_chunkCount - 1), element.Length))
        {
            InsertChunk(_chunkCount, element.Length);
        }
        Writable(_chunkCount - 1).Add(element);
        _count++;
    }

    /// <summary>Removes the first element without copying it out (read it first through <see cref="First"/>).</summary>
    public void DropFirst()
    {
        Invariant.Require(_count > 0, "pop from an empty list");
        ref PackedBuffer first = ref Chunk(0);
        first.RemoveRange(0, 1, shrink: _chunkCount == 1); // advances the chunk's start; a chunk with others after it drains whole
        _count--;
        if (first.Count == 0)
        {
            RemoveChunk(0);
        }
        ResetCursor();
    }

    /// <summary>Removes the last element without copying it out (read it first through <see cref="Last"/>).</summary>
    public void DropLast()
    {
        Invariant.Require(_count > 0, "pop from an empty list");
        ref PackedBuffer last = ref Chunk(_chunkCount - 1);
        last.RemoveRange(last.Count - 1, 1, shrink: _chunkCount == 1);
        _count--;
        if (last.Count == 0)
        {
            RemoveChunk(_chunkCount - 1);
        }
        ResetCursor();
    }

    /// <summary>Inserts so that the element ends up at <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, ReadOnlySpan<byte> element)
    {
        Invariant.Require((uint)index <= (uint)_count, "list insert out of bounds");
        if (index == 0)
        {
            AddFirst(element);
            return;
        }
        if (index == _count)
        {
            AddLast(element);
            return;
        }
        int chunk = Locate(index, out int local);
        Writable(chunk).Insert(local, element);
        _count++;
        SplitIfOver(chunk);
        ResetCursor();
    }

    public void Replace(int index, ReadOnlySpan<byte> element)
    {
        int chunk = Locate(index, out int local);
        Writable(chunk).Replace(local, element);
        SplitIfOver(chunk);
        ResetCursor();
    }

    /// <summary>Removes the elements for which <paramref name="remove"/> is true, walking from the head or the tail,
    /// at most <paramref name="limit"/> of them; returns how many (and their listpack size through the callback).</summary>
    public long RemoveWhere<TState>(TState state, Func<TState, ReadOnlySpan<byte>, bool> remove, long limit, bool fromTail)
    {
        long removed = 0;
        if (!fromTail)
        {
            for (int c = 0; c < _chunkCount && removed < limit;)
            {
                ref PackedBuffer chunk = ref Chunk(c);
                for (int i = 0; i < chunk.Count && removed < limit;)
                {
                    if (remove(state, chunk[i]))
                    {
                        chunk = ref Writable(c);
                        chunk.RemoveAt(i);
                        removed++;
                    }
                    else
                    {
                        i++;
                    }
                }
                if (chunk.Count == 0)
                {
                    RemoveChunk(c);
                }
                else
                {
                    c++;
                }
            }
        }
        else
        {
            for (int c = _chunkCount - 1; c >= 0 && removed < limit; c--)
            {
                ref PackedBuffer chunk = ref Chunk(c);
                for (int i = chunk.Count - 1; i >= 0 && removed < limit; i--)
                {
                    if (remove(state, chunk[i]))
                    {
                        chunk = ref Writable(c);
                        chunk.RemoveAt(i);
                        removed++;
                    }
                }
                if (chunk.Count == 0)
                {
                    RemoveChunk(c);
                }
            }
        }
        _count -= (int)removed;
        if (removed > 0)
        {
            MergeSparseChunks();
        }
        ResetCursor();
        return removed;
    }

    /// <summary>
    /// After removals inside the list (LREM), joins neighbouring chunks whose elements fit in one, as quicklist merges
    /// small nodes: a list thinned out by removals keeps chunks near full instead of an array per few elements. One pass,
    /// O(chunks + bytes moved).
    /// </summary>
    private void MergeSparseChunks()
    {
        if (_chunkCount < 2)
        {
            return;
        }
        int write = 0;
        for (int read = 1; read < _chunkCount; read++)
        {
            ref PackedBuffer target = ref Chunk(write);
            PackedBuffer next = Chunk(read);
            if (target.UsedBytes + next.UsedBytes <= _chunkBytes && target.Count + next.Count <= _chunkElements)
            {
                target = ref Writable(write);
                target.Reserve(next.UsedBytes);
                for (int i = 0; i < next.Count; i++)
                {
                    target.Add(next[i]);
                }
            }
            else if (++write != read)
            {
                Chunk(write) = next;
            }
        }
        for (int i = write + 1; i < _chunkCount; i++)
        {
            Chunk(i) = default;
        }
        _chunkCount = write + 1;
    }

    /// <summary>Removes <paramref name="n"/> elements at the head.</summary>
    public void RemoveFirst(int n)
    {
        Invariant.Require((uint)n <= (uint)_count, "trim out of bounds");
        while (n > 0)
        {
            ref PackedBuffer first = ref Chunk(0);
            if (first.Count <= n)
            {
                n -= first.Count;
                _count -= first.Count;
                RemoveChunk(0);
            }
            else
            {
                first.RemoveRange(0, n);
                _count -= n;
                n = 0;
            }
        }
        ResetCursor();
    }

    /// <summary>Removes <paramref name="n"/> elements at the tail.</summary>
    public void RemoveLast(int n)
    {
        Invariant.Require((uint)n <= (uint)_count, "trim out of bounds");
        while (n > 0)
        {
            ref PackedBuffer last = ref Chunk(_chunkCount - 1);
            if (last.Count <= n)
            {
                n -= last.Count;
                _count -= last.Count;
                RemoveChunk(_chunkCount - 1);
            }
            else
            {
                last.RemoveRange(last.Count - n, n);
                _count -= n;
                n = 0;
            }
        }
        ResetCursor();
    }

    /// <summary>
    /// A view of the list as it is now, for a snapshot to read on another thread while this list goes on changing: it
    /// holds copies of the chunks' descriptors, not of their bytes, and those arrays stay as they are (copy-on-write, see
    /// the class) until <see cref="Unshare"/> with the same <paramref name="shared"/>, which collects them.
    /// </summary>
    public ChunkedList Share(SharedArrays shared)
    {
        Invariant.Require(_shared is null, "a list is shared with one snapshot at a time");
        var view = new ChunkedList(_chunkBytes, _chunkElements)
        {
            _chunks = new PackedBuffer[Math.Max(4, _chunkCount)],
            _chunkCount = _chunkCount,
            _count = _count,
        };
        for (int i = 0; i < _chunkCount; i++)
        {
            PackedBuffer chunk = Chunk(i);
            view._chunks[i] = chunk;
            shared.Add(chunk.RawBuffer!);
        }
        _shared = shared;
        return view;
    }

    /// <summary>The snapshot is done with the view <see cref="Share"/> gave it for <paramref name="shared"/>.</summary>
    public void Unshare(SharedArrays shared)
    {
        if (ReferenceEquals(_shared, shared))
        {
            _shared = null;
        }
    }

    /// <summary>Chunk <paramref name="logical"/> for a write: a private copy first when a snapshot's view holds its array.</summary>
    private ref PackedBuffer Writable(int logical)
    {
        ref PackedBuffer chunk = ref Chunk(logical);
        if (_shared is { } shared && chunk.RawBuffer is { } array && shared.Contains(array))
        {
            chunk = chunk.Clone();
        }
        return ref chunk;
    }

    public ChunkedList Clone()
    {
        var copy = new ChunkedList(_chunkBytes, _chunkElements)
        {
            _chunks = new PackedBuffer[Math.Max(4, _chunkCount)],
            _chunkCount = _chunkCount,
            _count = _count,
        };
        for (int i = 0; i < _chunkCount; i++)
        {
            copy._chunks[i] = Chunk(i).Clone();
        }
        return copy;
    }

    private ref PackedBuffer Chunk(int logical)
    {
        int physical = _head + logical;
        if (physical >= _chunks.Length)
        {
            physical -= _chunks.Length;
        }
        return ref _chunks[physical];
    }

    private bool Fits(ref PackedBuffer chunk, int elementLength)
    {
        int size = Varint.SizeOf((ulong)elementLength) + elementLength;
        return chunk.Count < _chunkElements && chunk.UsedBytes + size <= _chunkBytes;
    }

    /// <summary>Chunk holding element <paramref name="index"/>, and its index inside that chunk; remembered as the cursor.
    /// Walks from whichever of the head, the tail and the cursor is nearest.</summary>
    private int Locate(int index, out int local)
    {
        Invariant.Require((uint)index < (uint)_count, "list index out of bounds");
        int chunk = 0;
        int before = 0;
        int distance = index;
        if (_count - 1 - index < distance)
        {
            chunk = _chunkCount - 1;
            before = _count - Chunk(chunk).Count;
            distance = _count - 1 - index;
        }
        if (_cursorChunk >= 0 && Math.Abs(index - _cursorBefore) < distance)
        {
            chunk = _cursorChunk;
            before = _cursorBefore;
        }
        while (index < before)
        {
            chunk--;
            before -= Chunk(chunk).Count;
        }
        while (index >= before + Chunk(chunk).Count)
        {
            before += Chunk(chunk).Count;
            chunk++;
        }
        _cursorChunk = chunk;
        _cursorBefore = before;
        local = index - before;
        return chunk;
    }

    private void ResetCursor() => _cursorChunk = -1;

    /// <summary>Opens an empty chunk at logical position <paramref name="at"/> sized for a first element of <paramref name="elementLength"/>.</summary>
    private void InsertChunk(int at, int elementLength)
    {
        // The list's first chunk starts small and grows; later chunks (a list already one chunk long) get the whole chunk
        // size at once instead of a string of copies as they fill, from ChunkArrays (the pinned heap, or a drained chunk's).
        int size = Varint.SizeOf((ulong)elementLength) + elementLength;
        if (_chunkCount == 0)
        {
            InsertChunk(at, new PackedBuffer(Math.Min(_chunkBytes, Math.Max(64, 2 * size))));
            return;
        }
        int full = Math.Max(size, Math.Min(_chunkBytes, ChunkArrays.PooledLength));
        InsertChunk(at, PackedBuffer.Over(ChunkArrays.Rent(full), 0, 0, 0));
    }

    /// <summary>Puts <paramref name="chunk"/> at logical position <paramref name="at"/> (0..ChunkCount).</summary>
    private void InsertChunk(int at, PackedBuffer chunk)
    {
        if (_chunkCount == _chunks.Length)
        {
            var grown = new PackedBuffer[_chunks.Length * 2];
            for (int i = 0; i < _chunkCount; i++)
            {
                grown[i] = Chunk(i);
            }
            _chunks = grown;
            _head = 0;
        }
        if (at == 0)
        {
            _head = _head == 0 ? _chunks.Length - 1 : _head - 1;
        }
        else
        {
            for (int i = _chunkCount; i > at; i--)
            {
                Chunk(i) = Chunk(i - 1);
            }
        }
        Chunk(at) = chunk;
        _chunkCount++;
    }

    /// <summary>Removes chunk <paramref name="at"/>, handing its array back to <see cref="ChunkArrays"/>: the caller
    /// keeps no element of it.</summary>
    private void RemoveChunk(int at)
    {
        if (_shared is null || !_shared.Contains(Chunk(at).RawBuffer!))
        {
            ChunkArrays.Return(Chunk(at).RawBuffer);
        }
        if (at == 0)
        {
            _chunks[_head] = default;
            _head = _head + 1 == _chunks.Length ? 0 : _head + 1;
        }
        else
        {
            for (int i = at; i < _chunkCount - 1; i++)
            {
                Chunk(i) = Chunk(i + 1);
            }
            Chunk(_chunkCount - 1) = default;
        }
        _chunkCount--;
        if (_chunkCount == 0)
        {
            _head = 0;
        }
        if (_chunks.Length > 16 && _chunkCount < _chunks.Length / 4)
        {
            var shrunk = new PackedBuffer[_chunks.Length / 2];
            for (int i = 0; i < _chunkCount; i++)
            {
                shrunk[i] = Chunk(i);
            }
            _chunks = shrunk;
            _head = 0;
        }
    }

    /// <summary>Splits chunk <paramref name="at"/> in two when an insert or replace took it past the limits.</summary>
    private void SplitIfOver(int at)
    {
        ref PackedBuffer chunk = ref Chunk(at);
        if (chunk.Count <= 1 || (chunk.UsedBytes <= _chunkBytes && chunk.Count <= _chunkElements))
        {
            return;
        }
        int keep = chunk.Count / 2;
        int move = chunk.Count - keep;
        var tail = new PackedBuffer(chunk.UsedBytes / 2 + 16);
        for (int i = keep; i < chunk.Count; i++)
        {
            tail.Add(chunk[i]);
        }
        chunk.RemoveRange(keep, move);
        InsertChunk(at + 1, tail);
    }
}
