using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// A hash table over byte-string keys built for a Redis keyspace, shared by the keyspace (<see cref="Keyspace.KeyTable"/>)
/// and the collections' tables (<see cref="BytesMap{TValue}"/>), which differ only in what a slot holds: look-ups by span
/// (no key copies), slots by reference (in-place updates), and stable slot indices that serve as SCAN cursors and as the
/// population for random sampling (RANDOMKEY, eviction, SRANDMEMBER).
/// Chains run through an int bucket array (slot index + 1; 0 = empty) and the slots' <see cref="IChainedSlot.Next"/>.
/// Slots live in <see cref="SlotChunks"/>: growth past one chunk adds a chunk and rebuilds only the bucket array, so a large
/// table never copies its slots nor leaves a discarded slot array of half its size behind as garbage (about 25 bytes per
/// key of resident memory at 1M keys).
/// Invariants: a slot's index never changes while its key is present (growth keeps slots in place; the table never
/// compacts), so a SCAN by slot index returns every key present for the whole scan exactly once; a free slot has a null
/// key array and sits on the free list.
/// A snapshot can read a collection's table on its own thread (<see cref="ChainedTable{TSlot}(ChainedTable{TSlot}, SharedArrays)"/>):
/// until it is done (<see cref="Unshare"/>) the slot chunks it holds are copy-on-write for a slot's key and value (a claim
/// or a removal first gives the slot's chunk a private copy; the chain links, which a view never reads, may still be
/// written in place).
/// Thread safety: none; the keyspace lock serialises access. A view is read by one other thread while its table changes.
/// </summary>
internal abstract class ChainedTable<TSlot> where TSlot : struct, IChainedSlot
{
    private const int ChunkShift = SlotChunks.Shift;
    private const int ChunkMask = SlotChunks.Mask;

    private int[] _buckets;
    private TSlot[][] _chunks;
    private int _capacity;
    private int _used;
    private int _freeList = -1;
    private int _freeCount;
    /// <summary>The slot chunks a snapshot's view reads, or null.</summary>
    private SharedArrays? _shared;

    protected ChainedTable(int capacity)
    {
        _buckets = null!;
        _chunks = null!;
        Reset(Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 1))));
    }

    /// <summary>
    /// A view of <paramref name="source"/> as it is now, for a snapshot to iterate on another thread while the source
    /// goes on changing: it holds the source's slot chunks, which join <paramref name="shared"/> and stay as they are
    /// (see the class) until the source's <see cref="Unshare"/>. A view is never searched nor changed (it has no buckets).
    /// REQUIRES: no other view of the source open.
    /// </summary>
    protected ChainedTable(ChainedTable<TSlot> source, SharedArrays shared)
    {
        Invariant.Require(source._shared is null, "a table is shared with one snapshot at a time");
        _buckets = [0];
        _chunks = (TSlot[][])source._chunks.Clone();
        _capacity = source._capacity;
        _used = source._used;
        _freeCount = source._freeCount;
        foreach (TSlot[]? chunk in _chunks)
        {
            if (chunk is not null)
            {
                shared.Add(chunk);
            }
        }
        source._shared = shared;
    }

    public int Count => _used - _freeCount;

    /// <summary>Whether a snapshot's view holds some of this table's slot chunks: a slot's key and value arrays may then
    /// be read by it, so they must not be written in place.</summary>
    public bool IsShared => _shared is not null;

    /// <summary>The snapshot is done with the view taken for <paramref name="shared"/>.</summary>
    public void Unshare(SharedArrays shared)
    {
        if (ReferenceEquals(_shared, shared))
        {
            _shared = null;
        }
    }

    /// <summary>Upper bound (exclusive) of slot indices in use; the end of a SCAN.</summary>
    public int SlotLimit => _used;

    public bool IsOccupied(int index) => (uint)index < (uint)_used && SlotAt(index).KeyArray is not null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected ref TSlot SlotAt(int index) => ref _chunks[index >> ChunkShift][index & ChunkMask];

    /// <summary>Slot <paramref name="index"/> for a write to its key or value: its chunk gets a private copy first when a
    /// snapshot's view holds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected ref TSlot WritableSlotAt(int index)
    {
        _shared?.CopyIfHeld(ref _chunks[index >> ChunkShift]);
        return ref SlotAt(index);
    }

    /// <summary>The slot index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key) => Find(key, ByteArrayComparer.Hash(key));

    /// <summary>The slot index of <paramref name="key"/> whose hash is <paramref name="hash"/>, or -1.</summary>
    protected int Find(ReadOnlySpan<byte> key, int hash)
    {
        TSlot[][] chunks = _chunks;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while (i >= 0)
        {
            ref TSlot slot = ref chunks[i >> ChunkShift][i & ChunkMask];
            if (slot.Hash == hash && key.SequenceEqual(slot.Key))
            {
                return i;
            }
            i = slot.Next;
        }
        return -1;
    }

    /// <summary>
    /// Takes a free slot for a new key with hash <paramref name="hash"/> and links it into its bucket; the caller fills in
    /// the key (and the rest) through <see cref="SlotAt"/> before anything else runs (the slot's chunk is writable, see
    /// <see cref="WritableSlotAt"/>). REQUIRES: the key is absent.
    /// </summary>
    protected int Claim(int hash)
    {
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = SlotAt(index).Next;
            _freeCount--;
        }
        else
        {
            if (_used == _capacity)
            {
                Grow();
            }
            index = _used++;
        }
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        ref TSlot slot = ref WritableSlotAt(index);
        slot.Hash = hash;
        slot.Next = bucket - 1;
        bucket = index + 1;
        return index;
    }

    /// <summary>Removes the key at <paramref name="index"/>. REQUIRES: the slot is occupied.</summary>
    public void RemoveAt(int index)
    {
        ref TSlot slot = ref WritableSlotAt(index);
        Invariant.Require(slot.KeyArray is not null, "removing a free slot");
        ref int bucket = ref _buckets[slot.Hash & (_buckets.Length - 1)];
        int i = bucket - 1;
        int previous = -1;
        while (i != index)
        {
            previous = i;
            i = SlotAt(i).Next;
        }
        if (previous < 0)
        {
            bucket = slot.Next + 1;
        }
        else
        {
            SlotAt(previous).Next = slot.Next;
        }
        slot = default;
        slot.Next = _freeList;
        _freeList = index;
        _freeCount++;
        if (_freeCount == _used)
        {
            // Empty: start over, so a drained table does not keep its old slots' order for new keys.
            Reset(Math.Min(_capacity, 64));
        }
    }

    /// <summary>The first occupied slot at or after <paramref name="index"/>, or -1.</summary>
    public int NextOccupied(int index)
    {
        for (int i = Math.Max(index, 0); i < _used; i++)
        {
            if (SlotAt(i).KeyArray is not null)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A uniformly chosen slot, then the next occupied one; -1 when empty.</summary>
    public int RandomOccupied(IRandomSource random)
    {
        if (Count == 0)
        {
            return -1;
        }
        int start = random.NextInt(_used);
        int i = NextOccupied(start);
        return i >= 0 ? i : NextOccupied(0);
    }

    public void Clear() => Reset(4);

    /// <summary>
    /// Brings the look-up path of several keys into the cache at once, given their hashes (<see cref="ByteArrayComparer.Hash"/>):
    /// their buckets, then their first slots, then those slots' key arrays. A look-up touches three cache lines that are
    /// rarely cached in a large table; done one key at a time each waits for memory in turn, done here for a pipelined batch
    /// the waits overlap. Only hints: nothing is read that a look-up would not read, and a wrong guess costs a cache line.
    /// </summary>
    public unsafe void Prefetch(ReadOnlySpan<int> hashes)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        int[] buckets = _buckets;
        int mask = buckets.Length - 1;
        foreach (int hash in hashes)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref buckets[hash & mask]));
        }
        foreach (int hash in hashes)
        {
            int i = buckets[hash & mask] - 1;
            if (i >= 0)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref SlotAt(i)));
            }
        }
        foreach (int hash in hashes)
        {
            int i = buckets[hash & mask] - 1;
            if (i >= 0 && SlotAt(i).KeyArray is { } data)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(data)));
            }
        }
    }

    private void Reset(int size)
    {
        _buckets = new int[size];
        _chunks = SlotChunks.Create<TSlot>(size, out _capacity);
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
    }

    private void Grow()
    {
        _capacity = SlotChunks.Grow(ref _chunks, _capacity);
        if (_capacity > _buckets.Length)
        {
            RebuildBuckets((int)BitOperations.RoundUpToPowerOf2((uint)_capacity));
        }
    }

    private void RebuildBuckets(int size)
    {
        var buckets = new int[size];
        for (int i = 0; i < _used; i++)
        {
            ref TSlot slot = ref SlotAt(i);
            if (slot.KeyArray is null)
            {
                continue; // free slots keep their free-list link
            }
            ref int bucket = ref buckets[slot.Hash & (size - 1)];
            slot.Next = bucket - 1;
            bucket = i + 1;
        }
        _buckets = buckets;
    }
}
