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
    private readonly Dictionary<byte[], KeyDigest>[] _leafKeys;
    private bool _dirty;

    public MerkleTree(int depth = DefaultDepth)
    {
        Invariant.Require(depth is >= 1 and <= 16, "depth 1..16");
        Depth = depth;
        LeafCount = 1 << depth;
        _nodes = new ulong[2 * LeafCount];
        _leafKeys = new Dictionary<byte[], KeyDigest>[LeafCount];
        for (int i = 0; i < LeafCount; i++)
        {
            _leafKeys[i] = new Dictionary<byte[], KeyDigest>(ByteArrayComparer.Instance);
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
        if (version.IsNone)
        {
            int leaf = LeafOf(key);
            if (_leafKeys[leaf].Remove(key, out KeyDigest? old))
            {
                _nodes[LeafCount + leaf] ^= Term(key, old.Value);
                KeyCount--;
                _dirty = true;
            }
            return;
        }
        Add(key, version.Digest());
    }

    /// <summary>
    /// Records <paramref name="digest"/> for a key (added, or replacing its digest) and returns the key's cell, which the
    /// caller may keep to <see cref="Update"/> the key later without a look-up here.
    /// </summary>
    public KeyDigest Add(byte[] key, ulong digest)
    {
        int leaf = LeafOf(key);
        ref ulong hash = ref _nodes[LeafCount + leaf];
        ref KeyDigest? cell = ref CollectionsMarshal.GetValueRefOrAddDefault(_leafKeys[leaf], key, out bool existed);
        if (existed)
        {
            hash ^= Term(key, cell!.Value);
        }
        else
        {
            cell = new KeyDigest();
            KeyCount++;
        }
        cell!.Value = digest;
        hash ^= Term(key, digest);
        _dirty = true;
        return cell;
    }

    /// <summary>
    /// Replaces the digest of a key already in the tree, through the cell <see cref="Add"/> returned for it: the leaf's hash
    /// changes term for term and the leaf's key table is not touched (the version table keeps the cell beside each key's
    /// version, so a replicated write costs one hash-table probe instead of two; the second, into one of 4 096 small leaf
    /// tables, missed the cache: 4 % of a replica's CPU under SET).
    /// </summary>
    public void Update(byte[] key, KeyDigest cell, ulong digest)
    {
        ref ulong hash = ref _nodes[LeafCount + LeafOf(key)];
        hash ^= Term(key, cell.Value) ^ Term(key, digest);
        cell.Value = digest;
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
    public IReadOnlyDictionary<byte[], KeyDigest> KeysOfLeaf(int leaf) => _leafKeys[leaf];

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
