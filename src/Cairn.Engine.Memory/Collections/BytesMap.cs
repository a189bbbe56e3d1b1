using System.Runtime.CompilerServices;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// A hash table from byte-string keys to <typeparamref name="TValue"/>: a <see cref="ChainedTable{TSlot}"/> whose slots hold
/// an owned key array and the value, for the collections (hash fields, set members, sorted-set members' scores).
/// <typeparamref name="TValue"/> is a struct so that the table's code is compiled for the slot type: over a reference type
/// the runtime shares one __Canon body whose slot accesses are calls (wrap a reference in a struct, as
/// <see cref="Hashes.HashTableValue"/> does).
/// Thread safety: none; the keyspace lock serialises access.
/// </summary>
internal sealed class BytesMap<TValue> : ChainedTable<BytesMap<TValue>.Slot>
    where TValue : struct
{
    public BytesMap(int capacity = 4)
        : base(capacity)
    {
    }

    private BytesMap(BytesMap<TValue> source, SharedArrays shared)
        : base(source, shared)
    {
    }

    /// <summary>A snapshot's view of this map as it is now (see <see cref="ChainedTable{TSlot}"/>): iterate it with
    /// NextOccupied, KeyAt and ValueAt until <see cref="ChainedTable{TSlot}.Unshare"/>.</summary>
    public BytesMap<TValue> Share(SharedArrays shared) => new(this, shared);

    public byte[] KeyAt(int index) => SlotAt(index).Key!;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly TValue ValueAt(int index) => ref SlotAt(index).Value;

    /// <summary>The value at <paramref name="index"/>, to change: its slot's chunk gets a private copy first while a
    /// snapshot's view holds it. What the value refers to may still be the view's (<see cref="ChainedTable{TSlot}.IsShared"/>).</summary>
    public ref TValue WritableValueAt(int index) => ref WritableSlotAt(index).Value;

    /// <summary>
    /// The slot index of <paramref name="key"/>; when absent, first adds a copy of it with a default value
    /// (<paramref name="added"/> true; set it through <see cref="ValueAt"/>). One hash and one bucket walk where
    /// Find then Add would take two of each (SADD and HSET on a big set or hash).
    /// </summary>
    public int FindOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        int hash = ByteArrayComparer.Hash(key);
        int index = Find(key, hash);
        added = index < 0;
        return added ? AddWithHash(key.ToArray(), default, hash) : index;
    }

    /// <summary>Adds a key known to be absent. REQUIRES: Find(key) == -1. Returns its slot index.</summary>
    public int Add(byte[] key, TValue value) => AddWithHash(key, value, ByteArrayComparer.Hash(key));

    private int AddWithHash(byte[] key, TValue value, int hash)
    {
        int index = Claim(hash);
        ref Slot slot = ref SlotAt(index);
        slot.Key = key;
        slot.Value = value;
        return index;
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

    internal struct Slot : IChainedSlot
    {
        public byte[]? Key;
        public TValue Value;
        public int Hash;
        public int Next;

        readonly byte[]? IChainedSlot.KeyArray => Key;

        readonly ReadOnlySpan<byte> IChainedSlot.Key => Key;

        int IChainedSlot.Hash { readonly get => Hash; set => Hash = value; }

        int IChainedSlot.Next { readonly get => Next; set => Next = value; }
    }
}
