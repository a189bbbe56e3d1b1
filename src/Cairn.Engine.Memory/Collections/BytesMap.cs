using System.Runtime.CompilerServices;
using System.Numerics;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// A hash table from byte-string keys to <typeparamref name="TValue"/>, built for a Redis keyspace:
/// look-ups by span (no key copies), values by reference (in-place updates), and stable slot indices that serve as
/// SCAN cursors and as the population for random sampling (RANDOMKEY, eviction).
/// Slots live in chunks of <see cref="SlotChunks.Slots"/> once the table outgrows one chunk: growth past that point adds a chunk
/// and rebuilds only the bucket array, so a large keyspace never copies its slots nor leaves a discarded slot array of
/// half its size behind as garbage (measured: about 25 bytes per key of resident memory at 1M keys).
/// Invariants: a slot's index never changes while its key is present (growth keeps slots in place; the table never
/// compacts), so a SCAN by slot index returns every key present for the whole scan exactly once.
/// A free slot has a null key. Thread safety: none; the keyspace lock serialises access.
/// </summary>
public sealed class BytesMap<TValue>
{
    private const int ChunkShift = SlotChunks.Shift;
    private const int ChunkMask = SlotChunks.Mask;

    private int[] _buckets;

    // Chunked as SlotChunks describes.
    private Slot[][] _chunks;
    private int _capacity;
    private int _used;
    private int _freeList = -1;
    private int _freeCount;

    public BytesMap(int capacity = 4)
    {
        _buckets = null!;
        _chunks = null!;
        Reset(Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 1))));
    }

    public int Count => _used - _freeCount;

    /// <summary>Upper bound (exclusive) of slot indices in use; the end of a SCAN.</summary>
    public int SlotLimit => _used;

    public byte[] KeyAt(int index) => SlotAt(index).Key!;

    public bool IsOccupied(int index) => (uint)index < (uint)_used && SlotAt(index).Key is not null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue ValueAt(int index) => ref SlotAt(index).Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Slot SlotAt(int index) => ref _chunks[index >> ChunkShift][index & ChunkMask];

    /// <summary>The slot index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int hash = ByteArrayComparer.Hash(key);
        Slot[][] chunks = _chunks;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while (i >= 0)
        {
            ref Slot slot = ref chunks[i >> ChunkShift][i & ChunkMask];
            if (slot.Hash == hash && key.SequenceEqual(slot.Key))
            {
                return i;
            }
            i = slot.Next;
        }
        return -1;
    }

    /// <summary>
    /// The slot index of <paramref name="key"/>; when absent, first adds a copy of it with a default value
    /// (<paramref name="added"/> true; set it through <see cref="ValueAt"/>). One hash and one bucket walk where
    /// Find then Add would take two of each (SADD and HSET on a big set or hash).
    /// </summary>
    public int FindOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        int hash = ByteArrayComparer.Hash(key);
        Slot[][] chunks = _chunks;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while (i >= 0)
        {
            ref Slot slot = ref chunks[i >> ChunkShift][i & ChunkMask];
            if (slot.Hash == hash && key.SequenceEqual(slot.Key))
            {
                added = false;
                return i;
            }
            i = slot.Next;
        }
        added = true;
        return AddWithHash(key.ToArray(), default!, hash);
    }

    /// <summary>Adds a key known to be absent. REQUIRES: Find(key) == -1. Returns its slot index.</summary>
    public int Add(byte[] key, TValue value) => AddWithHash(key, value, ByteArrayComparer.Hash(key));

    private int AddWithHash(byte[] key, TValue value, int hash)
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
        ref Slot slot = ref SlotAt(index);
        slot.Key = key;
        slot.Value = value;
        slot.Hash = hash;
        slot.Next = bucket - 1;
        bucket = index + 1;
        return index;
    }

    /// <summary>Removes the key at <paramref name="index"/>. REQUIRES: the slot is occupied.</summary>
    public void RemoveAt(int index)
    {
        ref Slot slot = ref SlotAt(index);
        Invariant.Require(slot.Key is not null, "removing a free slot");
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
        slot.Key = null;
        slot.Value = default!;
        slot.Next = _freeList;
        _freeList = index;
        _freeCount++;
        if (_freeCount == _used)
        {
            // Empty: start over, so a drained table does not keep its old slots' order for new keys.
            Reset(Math.Min(_capacity, 64));
        }
    }

    public bool Remove(ReadOnlySpan<byte> key)
    {
        int index = Find(key);
        if (index < 0)
        {
            return false;
        }
        RemoveAt(index);
        return true;
    }

    /// <summary>The first occupied slot at or after <paramref name="index"/>, or -1.</summary>
    public int NextOccupied(int index)
    {
        for (int i = Math.Max(index, 0); i < _used; i++)
        {
            if (SlotAt(i).Key is not null)
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

    private void Reset(int size)
    {
        _buckets = new int[size];
        _chunks = SlotChunks.Create<Slot>(size, out _capacity);
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
            ref Slot slot = ref SlotAt(i);
            if (slot.Key is null)
            {
                continue; // free slots keep their free-list link
            }
            ref int bucket = ref buckets[slot.Hash & (size - 1)];
            slot.Next = bucket - 1;
            bucket = i + 1;
        }
        _buckets = buckets;
    }

    private struct Slot
    {
        public byte[]? Key;
        public TValue Value;
        public int Hash;
        public int Next;
    }
}
