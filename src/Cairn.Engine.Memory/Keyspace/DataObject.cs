namespace Cairn.Engine.Memory.Keyspace;

/// <summary>Base of every non-string value (lists, hashes, sets, sorted sets, streams, series, documents).</summary>
public abstract class DataObject
{
    public abstract DataType Type { get; }

    /// <summary>The name OBJECT ENCODING reports ("listpack", "quicklist", "hashtable", "skiplist", "intset", ...).</summary>
    public abstract string Encoding { get; }

    /// <summary>Bytes this value holds, for MEMORY USAGE and maxmemory accounting. Must be cheap (maintained incrementally).</summary>
    public abstract long MemoryUsageBytes { get; }

    /// <summary>Element count; a container whose count reaches zero is removed from the keyspace.</summary>
    public abstract long Length { get; }

    /// <summary>A deep copy, for COPY.</summary>
    public abstract DataObject Clone();

    /// <summary>
    /// Brings into the cache the look-up path of the members (set members, hash fields, sorted-set members) whose hashes
    /// (<see cref="Primitives.ByteArrayComparer.Hash"/>) are given: a pipelined batch's members, before the batch runs, so
    /// that their cache misses overlap. A hint only: values without a hash table ignore it. REQUIRES: the store lock.
    /// </summary>
    public virtual void PrefetchMembers(ReadOnlySpan<int> hashes)
    {
    }

    /// <summary>
    /// Whether <see cref="PrefetchMembers"/> has a table to prefetch into right now, so that a caller can skip hashing a
    /// batch's members for values that would ignore them (lists, listpack-encoded hashes and sorted sets, intsets...).
    /// </summary>
    public virtual bool HasMemberTable => false;

    /// <summary>
    /// Whether a snapshot can read this value on its own thread through <see cref="BeginSnapshotView"/> instead of
    /// serialising it under the store lock: true for values kept in arrays that can be shared and copied on write (a
    /// quicklist's chunks, a hash table's slot chunks, a sorted set tree's element chunks).
    /// </summary>
    public virtual bool HasSnapshotView => false;

    /// <summary>
    /// For a snapshot: a read-only view of this value as it is now, which the snapshot's thread reads without the store
    /// lock while this value goes on changing. Nothing is copied: the arrays the view holds join <paramref name="shared"/>,
    /// and until <see cref="EndSnapshotView"/> this value writes into a copy of any of them rather than into it. The view
    /// can be read (iterated, encoded), never changed or searched. REQUIRES: <see cref="HasSnapshotView"/>, the store
    /// lock, no other view of this value open.
    /// </summary>
    public virtual DataObject BeginSnapshotView(Collections.SharedArrays shared) =>
        throw new NotSupportedException($"{Type} values have no snapshot view");

    /// <summary>The snapshot is done with the view it took for <paramref name="shared"/>: this value's arrays are its own
    /// again. Also called when the value has since changed encoding or left the keyspace. REQUIRES: the store lock.</summary>
    public virtual void EndSnapshotView(Collections.SharedArrays shared)
    {
    }
}
