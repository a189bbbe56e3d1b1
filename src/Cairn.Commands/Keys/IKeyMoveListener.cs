using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Keys;

/// <summary>
/// What the engine's <see cref="IKeyspaceListener"/> cannot see, reported by the commands that do it: a value moved under
/// another name or database, whole databases cleared or swapped, data loaded from disk. Module-like types with secondary
/// indexes (series label index, search indexes) implement it next to <see cref="IKeyspaceListener"/>.
/// </summary>
public interface IKeyMoveListener
{
    /// <summary>After RENAME put <paramref name="value"/> under <paramref name="newKey"/> (the old key is gone).</summary>
    void OnKeyRenamed(Database database, byte[] oldKey, byte[] newKey, object value);

    /// <summary>After MOVE or COPY added <paramref name="value"/> under <paramref name="key"/> in <paramref name="database"/>.</summary>
    void OnKeyArrived(Database database, byte[] key, object value);

    /// <summary>After FLUSHDB / FLUSHALL emptied the database.</summary>
    void OnDatabaseCleared(Database database);

    /// <summary>After SWAPDB exchanged the contents of two databases.</summary>
    void OnDatabasesSwapped(Database first, Database second);

    /// <summary>After a snapshot (or an AOF base) was loaded into the store.</summary>
    void OnDataLoaded(MemoryStore store);
}
