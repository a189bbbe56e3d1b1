using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Cairn.Engine.Memory.Collections;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// The member → element table of a skiplist-encoded sorted set (the dict half of Redis's zset): open addressing with
/// linear probing over the element ids of a <see cref="SortedSetTree"/> (called nodes here), one 32-bit slot per entry
/// and no per-entry objects.
/// A slot holds the node number in its low <c>nodeBits</c> bits and, above them, a tag of the member's hash (bits the
/// slot index does not use), so a probe rejects almost every other member without loading its node: a hit costs the
/// slot, the node and the member's bytes. The table has twice as many slots as the power of two covering the tree's element
/// numbers (load below 1/2) and is rebuilt, from the hashes the nodes keep, when the node capacity passes that power of
/// two. Deletion shifts the following entries back (no tombstones).
/// Invariants: 0 is an empty slot (id 0 is never used); every live node is in exactly one slot, reachable
/// by probing from its hash's home slot without crossing an empty slot.
/// Thread safety: none; the store lock serialises access.
/// </summary>
internal sealed class MemberIndex
{
    private const int MaxPrefetch = 64;

    private uint[] _slots;
    private int _nodeBits;
    private uint _nodeMask;
    private int _slotMask;

    /// <summary>A table for node numbers below <paramref name="nodeCapacity"/> (a power of two, at most 2^29). Nodes are
    /// read from the tree's chunked element slab (<see cref="SlotChunks"/>).</summary>
    public MemberIndex(int nodeCapacity)
    {
        _slots = [];
        Reset(nodeCapacity);
    }

    /// <summary>Bytes of the slot array.</summary>
    public long SlotBytes => (long)_slots.Length * sizeof(uint);

    /// <summary>The node holding <paramref name="member"/> (whose hash is <paramref name="hash"/>), or 0.</summary>
    public int Find(ReadOnlySpan<byte> member, int hash, SortedSetElement[][] nodes)
    {
        uint[] slots = _slots;
        uint tag = Tag(hash);
        int mask = _slotMask;
        int nodeBits = _nodeBits;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            uint entry = slots[i];
            if (entry == 0)
            {
                return 0;
            }
            if (entry >> nodeBits == tag)
            {
                int node = (int)(entry & _nodeMask);
                if (member.SequenceEqual(nodes[node >> SlotChunks.Shift][node & SlotChunks.Mask].Member))
                {
                    return node;
                }
            }
        }
    }

    /// <summary>
    /// Whether an entry on <paramref name="hash"/>'s probe run carries its tag. False proves a member with that hash
    /// absent without reading any node or member; true means <see cref="Find"/> must decide.
    /// </summary>
    public bool MayContain(int hash)
    {
        uint[] slots = _slots;
        uint tag = Tag(hash);
        for (int i = hash & _slotMask; ; i = (i + 1) & _slotMask)
        {
            uint entry = slots[i];
            if (entry == 0)
            {
                return false;
            }
            if (entry >> _nodeBits == tag)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Brings the look-up path of several members into the cache at once, given their hashes: their home slots, then the
    /// nodes their tags point to, then those nodes' member arrays (what <see cref="Find"/> touches, three cache lines that
    /// a large set rarely has cached). Done for a pipelined batch the waits overlap. Only hints: a wrong guess costs a line.
    /// </summary>
    public unsafe void Prefetch(ReadOnlySpan<int> hashes, SortedSetElement[][] nodes)
    {
        if (!Sse.IsSupported || hashes.Length > MaxPrefetch)
        {
            return;
        }
        uint[] slots = _slots;
        int mask = _slotMask;
        foreach (int hash in hashes)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref slots[hash & mask]));
        }
        Span<int> candidates = stackalloc int[hashes.Length];
        for (int h = 0; h < hashes.Length; h++)
        {
            int hash = hashes[h];
            uint tag = Tag(hash);
            candidates[h] = 0;
            // The first few probes share the home slot's cache line; the candidate is the first whose tag matches.
            for (int i = hash & mask, probes = 0; probes < 4; i = (i + 1) & mask, probes++)
            {
                uint entry = slots[i];
                if (entry == 0)
                {
                    break;
                }
                if (entry >> _nodeBits == tag)
                {
                    int node = (int)(entry & _nodeMask);
                    candidates[h] = node;
                    Sse.Prefetch0(Unsafe.AsPointer(ref nodes[node >> SlotChunks.Shift][node & SlotChunks.Mask]));
                    break;
                }
            }
        }
        foreach (int node in candidates)
        {
            if (node > 0 && nodes[node >> SlotChunks.Shift][node & SlotChunks.Mask].Member is { } member)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(member)));
            }
        }
    }

    /// <summary>Adds a node whose member is absent. REQUIRES: its member is not in the table; node &lt; capacity.</summary>
    public void Add(int node, int hash)
    {
        Invariant.Require(node > 0 && (uint)node <= _nodeMask, "indexing a node number out of range");
        uint[] slots = _slots;
        int i = hash & _slotMask;
        while (slots[i] != 0)
        {
            i = (i + 1) & _slotMask;
        }
        slots[i] = (Tag(hash) << _nodeBits) | (uint)node;
    }

    /// <summary>Removes a node (its member's hash is <paramref name="hash"/>). REQUIRES: it is in the table.</summary>
    public void Remove(int node, int hash, SortedSetElement[][] nodes)
    {
        uint[] slots = _slots;
        int mask = _slotMask;
        int i = hash & mask;
        while ((slots[i] & _nodeMask) != (uint)node)
        {
            Invariant.Require(slots[i] != 0, "removing a node that is not in the member index");
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: move back each following entry of the run whose home slot is not in (i, j].
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            uint entry = slots[j];
            if (entry == 0)
            {
                break;
            }
            int other = (int)(entry & _nodeMask);
            int home = nodes[other >> SlotChunks.Shift][other & SlotChunks.Mask].Hash & mask;
            bool homeInGap = i <= j ? home > i && home <= j : home > i || home <= j;
            if (!homeInGap)
            {
                slots[i] = entry;
                i = j;
            }
        }
        slots[i] = 0;
    }

    /// <summary>Empties the table and sizes it for node numbers below <paramref name="nodeCapacity"/>.</summary>
    public void Reset(int nodeCapacity)
    {
        Invariant.Require(BitOperations.IsPow2(nodeCapacity) && nodeCapacity >= 2 && nodeCapacity <= 1 << 29,
            "member index capacity must be a power of two up to 2^29");
        _nodeBits = BitOperations.Log2((uint)nodeCapacity);
        _nodeMask = (uint)nodeCapacity - 1;
        _slots = new uint[nodeCapacity * 2];
        _slotMask = _slots.Length - 1;
    }

    /// <summary>Re-sizes for a grown node array and re-enters its live nodes [1, limit) from their stored hashes.</summary>
    public void Rebuild(int nodeCapacity, SortedSetElement[][] nodes, int limit)
    {
        Reset(nodeCapacity);
        for (int node = 1; node < limit; node++)
        {
            ref SortedSetElement n = ref nodes[node >> SlotChunks.Shift][node & SlotChunks.Mask];
            if (n.Member is not null)
            {
                Add(node, n.Hash);
            }
        }
    }

    /// <summary>A copy with the same slots (for the same node numbers).</summary>
    public MemberIndex Clone()
    {
        var copy = (MemberIndex)MemberwiseClone();
        copy._slots = (uint[])_slots.Clone();
        return copy;
    }

    /// <summary>How many slots are occupied (for invariant checks; O(slots)).</summary>
    internal int CountEntries()
    {
        int count = 0;
        foreach (uint entry in _slots)
        {
            if (entry != 0)
            {
                count++;
            }
        }
        return count;
    }

    // The hash bits above the slot index (slots use nodeBits + 1 low bits); 31 - nodeBits of them, so the entry fits in 31 bits.
    private uint Tag(int hash) => (uint)hash >> (_nodeBits + 1);
}
