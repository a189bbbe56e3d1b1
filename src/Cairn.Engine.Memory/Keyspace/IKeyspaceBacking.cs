namespace Cairn.Engine.Memory.Keyspace;

/// <summary>
/// A durable store under the in-memory keyspace (storage lsm): memory then holds a cache of the keys, and this holds them
/// all. Null in memory mode, so each hook costs one null check there.
/// Contract: every key present in memory is present, with the same value and expiry, in the backing store once the
/// changes signalled so far are committed; a key absent from memory may still exist in the backing store.
/// Thread safety: called under the store lock, as every keyspace operation.
/// </summary>
public interface IKeyspaceBacking
{
    /// <summary>A look-up missed memory: load the key from the backing store into <paramref name="database"/> if it is
    /// there and live (an expired one is deleted on the way). Returns its slot, or -1.</summary>
    int Load(Database database, ReadOnlySpan<byte> key, long nowMilliseconds);

    /// <summary>The key changed (written, deleted, expired): its state in memory must reach the backing store.</summary>
    void OnModified(Database database, ReadOnlySpan<byte> key);

    /// <summary>Before the database is emptied (FLUSHDB, FLUSHALL).</summary>
    void BeforeClear(Database database);

    /// <summary>Before two databases exchange their contents (SWAPDB).</summary>
    void BeforeSwap(Database first, Database second);
}
