using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cairn.Primitives;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.AntiEntropy;

/// <summary>
/// The version of every key this replica holds, per partition, with deletions kept as tombstones (so a delete is not undone
/// by a replica that missed it) until they are older than the grace period (<see cref="CollectTombstones"/>), and one
/// <see cref="MerkleTree"/> per partition kept in step with it. The values themselves live in the store; this is the
/// replication metadata beside them. Thread safety: not thread safe.
/// </summary>
public sealed class VersionTable
{
    private readonly Dictionary<byte[], (ValueVersion Version, bool Deleted, KeyDigest? Digest, bool Queued)>[] _partitions;
    private readonly MerkleTree[] _trees;

    /// <summary>
    /// The keys whose tombstones <see cref="CollectTombstones"/> will look at, with the tombstone's physical time, in the
    /// order recorded (mostly oldest first: one that replication delivers late waits behind newer ones, and one already
    /// past the grace on arrival is not kept at all). A key is in it at most once (its entry's Queued flag).
    /// </summary>
    private readonly Queue<(int Partition, byte[] Key, long Milliseconds)> _tombstones = new();

    /// <summary>Keys queued for <see cref="CollectTombstones"/> to look at (at most one entry per key).</summary>
    public int QueuedTombstones => _tombstones.Count;

    public VersionTable(int partitionCount, int merkleDepth = MerkleTree.DefaultDepth)
    {
        _partitions = new Dictionary<byte[], (ValueVersion, bool, KeyDigest?, bool)>[partitionCount];
        _trees = new MerkleTree[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            _partitions[p] = new Dictionary<byte[], (ValueVersion, bool, KeyDigest?, bool)>(ByteArrayComparer.Instance);
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
        _tombstones.Clear();
    }

    /// <summary>
    /// Forgets tombstones whose timestamp is older than <paramref name="cutoffMilliseconds"/> (physical time): their keys then
    /// have no version, here and in their partition's Merkle tree, as on a replica that never held them. Looks at most at
    /// <paramref name="max"/> candidates (the oldest recorded first), so a call's cost is bounded whatever the table's
    /// size. Returns how many were collected.
    /// </summary>
    public int CollectTombstones(long cutoffMilliseconds, int max)
    {
        int collected = 0;
        for (int looked = 0; looked < max && _tombstones.TryPeek(out (int Partition, byte[] Key, long Milliseconds) next)
            && next.Milliseconds < cutoffMilliseconds; looked++)
        {
            _tombstones.Dequeue();
            ref (ValueVersion Version, bool Deleted, KeyDigest? Digest, bool Queued) entry =
                ref CollectionsMarshal.GetValueRefOrNullRef(_partitions[next.Partition], next.Key);
            if (Unsafe.IsNullRef(ref entry))
            {
                continue; // forgotten already
            }
            if (!entry.Deleted)
            {
                entry.Queued = false; // written again since: a later delete queues it anew
            }
            else if (entry.Version.Timestamp.PhysicalMilliseconds < cutoffMilliseconds)
            {
                Forget(next.Partition, next.Key);
                collected++;
            }
            else
            {
                // Deleted again since, by a newer tombstone: queued once more, by that tombstone's time.
                _tombstones.Enqueue((next.Partition, next.Key, entry.Version.Timestamp.PhysicalMilliseconds));
            }
        }
        return collected;
    }

    /// <summary>Forgets the version of <paramref name="key"/> (a tombstone past its grace), here and in the tree.</summary>
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
        Dictionary<byte[], (ValueVersion Version, bool Deleted, KeyDigest? Digest, bool Queued)> versions = _partitions[partition];
        ref (ValueVersion Version, bool Deleted, KeyDigest? Digest, bool Queued) entry = ref CollectionsMarshal.GetValueRefOrAddDefault(versions, key, out bool existed);
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
        // A key has at most one queue entry, however often it is deleted and written again within the grace: the queue
        // is bounded by the keys in this table, not by the deletes made.
        bool queued = existed && entry.Queued;
        if (deleted && !queued)
        {
            _tombstones.Enqueue((partition, key, version.Timestamp.PhysicalMilliseconds));
            queued = true;
        }
        entry = (version, deleted, cell, queued);
    }
}
