using System.Runtime.InteropServices;
using Cairn.Primitives;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.AntiEntropy;

/// <summary>
/// The version of every key this replica holds, per partition, with deletions kept as tombstones (so a delete is not undone
/// by a replica that missed it) until they are older than the grace period (<see cref="CollectTombstones"/>), and one <see cref="MerkleTree"/> per partition kept in step with it. The values themselves
/// live in the store; this is the replication metadata beside them. Thread safety: not thread safe.
/// </summary>
public sealed class VersionTable
{
    private readonly Dictionary<byte[], (ValueVersion Version, bool Deleted, KeyDigest? Digest)>[] _partitions;
    private readonly MerkleTree[] _trees;

    public VersionTable(int partitionCount, int merkleDepth = MerkleTree.DefaultDepth)
    {
        _partitions = new Dictionary<byte[], (ValueVersion, bool, KeyDigest?)>[partitionCount];
        _trees = new MerkleTree[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            _partitions[p] = new Dictionary<byte[], (ValueVersion, bool, KeyDigest?)>(ByteArrayComparer.Instance);
            _trees[p] = new MerkleTree(merkleDepth);
        }
    }

    public int PartitionCount => _partitions.Length;

    public MerkleTree Tree(int partition) => _trees[partition];

    public ValueVersion VersionOf(int partition, byte[] key) =>
        _partitions[partition].TryGetValue(key, out var entry) ? entry.Version : ValueVersion.None;

    /// <summary>
    /// The version of <paramref name="key"/> and its digest (<see cref="ValueVersion.Digest"/>, kept for the Merkle tree, so
    /// not recomputed here); <see cref="ValueVersion.None"/> and its digest for a key without one.
    /// </summary>
    public ValueVersion VersionOf(int partition, byte[] key, out ulong digest)
    {
        if (_partitions[partition].TryGetValue(key, out var entry))
        {
            digest = entry.Digest?.Value ?? entry.Version.Digest();
            return entry.Version;
        }
        digest = NoneDigest;
        return ValueVersion.None;
    }

    /// <summary>The digest of <see cref="ValueVersion.None"/>.</summary>
    public static ulong NoneDigest { get; } = ValueVersion.None.Digest();

    public bool IsDeleted(int partition, byte[] key) => _partitions[partition].TryGetValue(key, out var entry) && entry.Deleted;

    public int KeyCount(int partition) => _partitions[partition].Count;

    public IEnumerable<byte[]> Keys(int partition) => _partitions[partition].Keys;

    /// <summary>Forgets every version (FLUSHALL: the node refuses versions from before the flush instead, see ReplicationNode.Flush).</summary>
    public void Clear()
    {
        for (int p = 0; p < _partitions.Length; p++)
        {
            _partitions[p].Clear();
            _trees[p] = new MerkleTree(_trees[p].Depth);
        }
    }

    /// <summary>
    /// Forgets the tombstones of <paramref name="partition"/> whose timestamp is older than <paramref name="cutoffMilliseconds"/>
    /// (physical time): their keys then have no version, here and in the partition's Merkle tree, as on a replica that never
    /// held them. Live keys are kept. Returns how many were collected.
    /// </summary>
    public int CollectTombstones(int partition, long cutoffMilliseconds)
    {
        Dictionary<byte[], (ValueVersion Version, bool Deleted, KeyDigest? Digest)> versions = _partitions[partition];
        int collected = 0;
        foreach ((byte[] key, (ValueVersion version, bool deleted, _)) in versions)
        {
            if (deleted && version.Timestamp.PhysicalMilliseconds < cutoffMilliseconds)
            {
                versions.Remove(key); // allowed while enumerating a Dictionary
                _trees[partition].Set(key, ValueVersion.None);
                collected++;
            }
        }
        return collected;
    }

    /// <summary>Forgets the version of <paramref name="key"/> (a tombstone just recorded past its grace), here and in the tree.</summary>
    public void Forget(int partition, byte[] key)
    {
        if (_partitions[partition].Remove(key))
        {
            _trees[partition].Set(key, ValueVersion.None);
        }
    }

    /// <summary>Records a version; REQUIRES it is newer than the one held (versions of a key only move forward).</summary>
    public void Record(int partition, byte[] key, ValueVersion version, bool deleted)
    {
        Invariant.Require(!version.IsNone, "a recorded version is never None");
        // One hash-table probe for the check and the update (every replicated write records a version on every replica).
        Dictionary<byte[], (ValueVersion Version, bool Deleted, KeyDigest? Digest)> versions = _partitions[partition];
        ref (ValueVersion Version, bool Deleted, KeyDigest? Digest) entry = ref CollectionsMarshal.GetValueRefOrAddDefault(versions, key, out bool existed);
        if (version.CompareNewness(existed ? entry.Version : ValueVersion.None) <= 0)
        {
            if (!existed)
            {
                versions.Remove(key);
            }
            Invariant.Require(false, "versions only move forward");
        }
        // The tree's cell for the key rides in its entry here: a key written again updates the tree without a look-up there.
        ulong digest = version.Digest();
        KeyDigest cell;
        if (existed && entry.Digest is { } held)
        {
            _trees[partition].Update(key, held, digest);
            cell = held;
        }
        else
        {
            cell = _trees[partition].Add(key, digest);
        }
        entry = (version, deleted, cell);
    }
}
