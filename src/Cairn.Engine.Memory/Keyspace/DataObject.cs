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
}
