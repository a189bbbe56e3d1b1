using Cairn.Primitives;

namespace Cairn.Engine.Memory.Keyspace;

/// <summary>
/// What the keyspace holds per key. <see cref="Value"/> is a byte[] for strings (no wrapper: strings are most keys) or a
/// <see cref="DataObject"/> for every other type. The version leaves room for replication metadata from the start.
/// </summary>
public struct KeyEntry
{
    public object Value;

    /// <summary>Absolute expiry in Unix milliseconds; 0 when the key is persistent.</summary>
    public long ExpiresAtMilliseconds;

    /// <summary>Hybrid logical clock timestamp of the last write (0 until replication assigns one).</summary>
    public HybridTimestamp Version;

    /// <summary>Access clock for eviction: LRU seconds (low 24 bits) or LFU minutes+counter, as Redis's robj.lru.</summary>
    public uint Access;
}
