using System.Runtime.CompilerServices;
using System.Numerics;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// A hash table from byte-string keys to <typeparamref name="TValue"/>, built for a Redis keyspace:
/// look-ups by span (no key copies), values by reference (in-place updates), and stable slot indices that serve as
/// SCAN cursors and as the population for random sampling (RANDOMKEY, eviction).
/// Invariants: a slot's index never changes while its key is present (growth copies slots in order; the table never
/// compacts), so a SCAN by slot index returns every key present for the whole scan exactly once.
/// A free slot has a null key. Thread safety: none; the keyspace lock serialises access.
/// </summary>
public sealed class BytesMap<TValue>
{

    private int[] _buckets;
    private Slot[] _slots;
    private int _used;
    private int _freeList = -1;
    private int _freeCount;

    public BytesMap(int capacity = 4)
    {
        int size = Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)capacity));
        _buckets = new int[size];
        _slots = new Slot[size];
    }

    public int Count => _used - _freeCount;

    /// <summary>Upper bound (exclusive) of slot indices in use; the end of a SCAN.</summary>
    public int SlotLimit => _used;

    public byte[] KeyAt(int index) => _slots[index].Key!;

    public bool IsOccupied(int index) => (uint)index < (uint)_used && _slots[index].Key is not null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue ValueAt(int index) => ref _slots[index].Value;

    /// <summary>The slot index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int hash = ByteArrayComparer.Hash(key);
        Slot[] slots = _slots;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while (i >= 0)
        {
            ref Slot slot = ref slots[i];
            if (slot.Hash == hash && key.SequenceEqual(slot.Key))
            {
                return i;
            }
            i = slot.Next;
        }
        return -1;
    }

    /// <summary>Adds a key known to be absent. REQUIRES: Find(key) == -1. Returns its slot index.</summary>
    public int Add(byte[] key, TValue value)
    {
        int hash = ByteArrayComparer.Hash(key);
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = _slots[index].Next;
            _freeCount--;
        }
        else
        {
            if (_used == _slots.Length)
            {
                Grow();
            }
            index = _used++;
        }
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        ref Slot slot = ref _slots[index];
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
        ref Slot slot = ref _slots[index];
        Invariant.Require(slot.Key is not null, "removing a free slot");
        ref int bucket = ref _buckets[slot.Hash & (_buckets.Length - 1)];
        int i = bucket - 1;
        int previous = -1;
        while (i != index)
        {
            previous = i;
            i = _slots[i].Next;
        }
        if (previous < 0)
        {
            bucket = slot.Next + 1;
        }
        else
        {
            _slots[previous].Next = slot.Next;
        }
        slot.Key = null;
        slot.Value = default!;
        slot.Next = _freeList;
        _freeList = index;
        _freeCount++;
        if (_freeCount == _used)
        {
            // Empty: start over, so a drained table does not keep its old slots' order for new keys.
            Reset(Math.Min(_slots.Length, 64));
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
        Slot[] slots = _slots;
        for (int i = Math.Max(index, 0); i < _used; i++)
        {
            if (slots[i].Key is not null)
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
        _slots = new Slot[size];
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
    }

    private void Grow()
    {
        int size = _slots.Length * 2;
        var slots = new Slot[size];
        Array.Copy(_slots, slots, _used);
        var buckets = new int[size];
        for (int i = 0; i < _used; i++)
        {
            if (slots[i].Key is null)
            {
                continue; // free slots keep their free-list link
            }
            ref int bucket = ref buckets[slots[i].Hash & (size - 1)];
            slots[i].Next = bucket - 1;
            bucket = i + 1;
        }
        _slots = slots;
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
