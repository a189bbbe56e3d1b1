using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Cairn.Engine.Memory.Collections;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Keyspace;

/// <summary>
/// The keyspace's hash table: <see cref="Collections.BytesMap{TValue}"/>'s design (chunked slots, stable slot indices as
/// SCAN cursors and sampling population, look-ups by span) specialised to <see cref="KeyEntry"/>, whose key is a prefix of
/// its data array (so a small string's key and value share one array). A separate type rather than a BytesMap option because
/// the collections' tables (hash, set, zset) would pay four bytes a slot for a key length they never need.
/// Invariants: a slot's index never changes while its key is present; a free slot has null Data.
/// Thread safety: none; the keyspace lock serialises access.
/// </summary>
internal sealed class KeyTable
{
    /// <summary>What one key costs in the table: its slot and its share of the bucket array (one int per slot, rounded up
    /// to a power of two: 4 to 8 bytes; 6 on average).</summary>
    public const long SlotBytes = 32 + 6;

    private const int ChunkShift = SlotChunks.Shift;
    private const int ChunkMask = SlotChunks.Mask;

    private int[] _buckets;
    private KeyEntry[][] _chunks;
    private int _capacity;
    private int _used;
    private int _freeList = -1;
    private int _freeCount;

    public KeyTable()
    {
        _buckets = null!;
        _chunks = null!;
        Reset(4);
    }

    public int Count => _used - _freeCount;

    /// <summary>Upper bound (exclusive) of slot indices in use; the end of a SCAN.</summary>
    public int SlotLimit => _used;

    public bool IsOccupied(int index) => (uint)index < (uint)_used && EntryAt(index).Data is not null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref KeyEntry EntryAt(int index) => ref _chunks[index >> ChunkShift][index & ChunkMask];

    /// <summary>The slot index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int hash = ByteArrayComparer.Hash(key);
        KeyEntry[][] chunks = _chunks;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while (i >= 0)
        {
            ref KeyEntry slot = ref chunks[i >> ChunkShift][i & ChunkMask];
            if (slot.Hash == hash && key.SequenceEqual(new ReadOnlySpan<byte>(slot.Data, 0, slot.KeyInfo & KeyEntry.KeyLengthMask)))
            {
                return i;
            }
            i = slot.Next;
        }
        return -1;
    }

    /// <summary>
    /// Brings the look-up path of several keys into the cache at once, given their hashes (<see cref="ByteArrayComparer.Hash"/>):
    /// their buckets, then their first slots, then those slots' data arrays. A look-up touches three cache lines that are
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
                Sse.Prefetch0(Unsafe.AsPointer(ref EntryAt(i)));
            }
        }
        foreach (int hash in hashes)
        {
            int i = buckets[hash & mask] - 1;
            if (i >= 0 && EntryAt(i).Data is { } data)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(data)));
            }
        }
    }

    /// <summary>
    /// Adds a key known to be absent: its bytes are data[0, keyLength). REQUIRES: Find(key) == -1. Returns its slot index.
    /// </summary>
    public int Add(byte[] data, int keyLength, object? stored, uint access)
    {
        Invariant.Require((uint)keyLength <= (uint)data.Length && keyLength <= KeyEntry.KeyLengthMask, "key length");
        int hash = ByteArrayComparer.Hash(data.AsSpan(0, keyLength));
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = EntryAt(index).Next;
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
        ref KeyEntry slot = ref EntryAt(index);
        slot.Data = data;
        slot.Stored = stored;
        slot.Hash = hash;
        slot.Next = bucket - 1;
        slot.KeyInfo = keyLength;
        slot.Access = access;
        bucket = index + 1;
        return index;
    }

    /// <summary>Removes the key at <paramref name="index"/>. REQUIRES: the slot is occupied.</summary>
    public void RemoveAt(int index)
    {
        ref KeyEntry slot = ref EntryAt(index);
        Invariant.Require(slot.Data is not null, "removing a free slot");
        ref int bucket = ref _buckets[slot.Hash & (_buckets.Length - 1)];
        int i = bucket - 1;
        int previous = -1;
        while (i != index)
        {
            previous = i;
            i = EntryAt(i).Next;
        }
        if (previous < 0)
        {
            bucket = slot.Next + 1;
        }
        else
        {
            EntryAt(previous).Next = slot.Next;
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
            if (EntryAt(i).Data is not null)
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
        _chunks = SlotChunks.Create<KeyEntry>(size, out _capacity);
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
            ref KeyEntry slot = ref EntryAt(i);
            if (slot.Data is null)
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
