using System.Runtime.CompilerServices;
using Cairn.Engine.Memory.Collections;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Keyspace;

/// <summary>
/// The keyspace's hash table: a <see cref="ChainedTable{TSlot}"/> of <see cref="KeyEntry"/> slots, whose key is a prefix of
/// their data array (so a small string's key and value share one array). A slot type of its own rather than a
/// <see cref="BytesMap{TValue}"/> because the collections' tables (hash, set, zset) would pay four bytes a slot for a key
/// length they never need.
/// Thread safety: none; the keyspace lock serialises access.
/// </summary>
internal sealed class KeyTable() : ChainedTable<KeyEntry>(4)
{
    /// <summary>What one key costs in the table: its slot and its share of the bucket array (one int per slot, rounded up
    /// to a power of two: 4 to 8 bytes; 6 on average).</summary>
    public const long SlotBytes = 32 + 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref KeyEntry EntryAt(int index) => ref SlotAt(index);

    /// <summary>
    /// Adds a key known to be absent: its bytes are data[0, keyLength). REQUIRES: Find(key) == -1. Returns its slot index.
    /// </summary>
    public int Add(byte[] data, int keyLength, object? stored, uint access)
    {
        Invariant.Require((uint)keyLength <= (uint)data.Length && keyLength <= KeyEntry.KeyLengthMask, "key length");
        int index = Claim(ByteArrayComparer.Hash(data.AsSpan(0, keyLength)));
        ref KeyEntry slot = ref SlotAt(index);
        slot.Data = data;
        slot.Stored = stored;
        slot.KeyInfo = keyLength;
        slot.Access = access;
        return index;
    }
}
