using System.IO.Hashing;
using System.Runtime.InteropServices;
using Cairn.Primitives;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.AntiEntropy;

/// <summary>
/// A Merkle tree over one partition's (key, version) pairs. Keys fall into <see cref="LeafCount"/> leaves by key hash; a
/// leaf's hash is the XOR of hash(key, version digest) over its keys, so an update is O(1) (remove the old term, add the new)
/// and the hash does not depend on insertion order. Inner nodes (a complete binary tree over the leaves) are recomputed
/// lazily. Two replicas that agree exchange one root hash; otherwise they descend to the differing leaves and exchange only
/// the (key, version) lists of those leaves, then only the keys that differ. Thread safety: not thread safe.
/// </summary>
public sealed class MerkleTree
{
    public const int DefaultDepth = 6;

    private readonly ulong[] _nodes; // heap layout: 1 = root, children of i are 2i and 2i+1; leaves at [LeafCount, 2*LeafCount)
    private readonly Dictionary<byte[], ulong>[] _leafKeys;
    private bool _dirty;

    public MerkleTree(int depth = DefaultDepth)
    {
        Invariant.Require(depth is >= 1 and <= 16, "depth 1..16");
        Depth = depth;
        LeafCount = 1 << depth;
        _nodes = new ulong[2 * LeafCount];
        _leafKeys = new Dictionary<byte[], ulong>[LeafCount];
        for (int i = 0; i < LeafCount; i++)
        {
            _leafKeys[i] = new Dictionary<byte[], ulong>(ByteArrayComparer.Instance);
        }
    }

    public int Depth { get; }

    public int LeafCount { get; }

    public int KeyCount { get; private set; }

    public ulong RootHash
    {
        get
        {
            Rehash();
            return _nodes[1];
        }
    }

    public int LeafOf(ReadOnlySpan<byte> key) => (int)(XxHash64.HashToUInt64(key) >> (64 - Depth));

    /// <summary>Sets the version recorded for a key (ValueVersion.None removes it).</summary>
    public void Set(byte[] key, ValueVersion version)
    {
        int leaf = LeafOf(key);
        Dictionary<byte[], ulong> keys = _leafKeys[leaf];
        ref ulong hash = ref _nodes[LeafCount + leaf];
        if (version.IsNone)
        {
            if (keys.Remove(key, out ulong old))
            {
                hash ^= Term(key, old);
                KeyCount--;
            }
        }
        else
        {
            // One probe: replace the key's term in place.
            ulong digest = version.Digest();
            ref ulong recorded = ref CollectionsMarshal.GetValueRefOrAddDefault(keys, key, out bool existed);
            if (existed)
            {
                hash ^= Term(key, recorded);
            }
            else
            {
                KeyCount++;
            }
            recorded = digest;
            hash ^= Term(key, digest);
        }
        _dirty = true;
    }

    public ulong[] LeafHashes()
    {
        Rehash();
        return _nodes[LeafCount..];
    }

    /// <summary>The hashes of the nodes at one level (0 = root), for a level-by-level descent.</summary>
    public ulong[] Level(int level)
    {
        Invariant.Require(level >= 0 && level <= Depth, "level in 0..Depth");
        Rehash();
        return _nodes[(1 << level)..(2 << level)];
    }

    /// <summary>Leaves whose hashes differ from <paramref name="otherLeaves"/> (another replica's <see cref="LeafHashes"/>).</summary>
    public List<int> DifferingLeaves(ulong[] otherLeaves)
    {
        Invariant.Require(otherLeaves.Length == LeafCount, "trees must have the same shape");
        ulong[] mine = LeafHashes();
        var result = new List<int>();
        for (int i = 0; i < LeafCount; i++)
        {
            if (mine[i] != otherLeaves[i])
            {
                result.Add(i);
            }
        }
        return result;
    }

    /// <summary>The (key, version digest) pairs of one leaf.</summary>
    public IReadOnlyDictionary<byte[], ulong> KeysOfLeaf(int leaf) => _leafKeys[leaf];

    private static ulong Term(byte[] key, ulong versionDigest) => XxHash64.HashToUInt64(key, (long)versionDigest);

    private void Rehash()
    {
        if (!_dirty)
        {
            return;
        }
        for (int i = LeafCount - 1; i >= 1; i--)
        {
            ulong left = _nodes[2 * i];
            ulong right = _nodes[2 * i + 1];
            _nodes[i] = left == 0 && right == 0 ? 0 : Combine(left, right);
        }
        _dirty = false;
    }

    private static ulong Combine(ulong left, ulong right)
    {
        Span<byte> both = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(both, left);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(both[8..], right);
        return XxHash64.HashToUInt64(both);
    }
}
