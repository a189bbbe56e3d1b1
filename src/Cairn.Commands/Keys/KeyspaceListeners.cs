using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Keys;

/// <summary>
/// The store's one <see cref="IKeyspaceListener"/>, fanning out to every registered listener (expired events, series index,
/// document index ...), and the fan-out for <see cref="IKeyMoveListener"/> events raised by the commands.
/// </summary>
public sealed class KeyspaceListeners : IKeyspaceListener
{
    private readonly List<IKeyspaceListener> _listeners = [];
    private readonly List<IKeyMoveListener> _moveListeners = [];

    /// <summary>Set by RENAME around removing the source slot: the value lives on under the new name.</summary>
    public bool SuppressRemovals { get; set; }

    public void Add(IKeyspaceListener listener)
    {
        _listeners.Add(listener);
        if (listener is IKeyMoveListener move)
        {
            _moveListeners.Add(move);
        }
    }

    public void OnKeyExpired(Database database, byte[] key)
    {
        foreach (IKeyspaceListener listener in _listeners)
        {
            listener.OnKeyExpired(database, key);
        }
    }

    public void OnKeyRemoved(Database database, byte[] key, object value)
    {
        if (SuppressRemovals)
        {
            return;
        }
        foreach (IKeyspaceListener listener in _listeners)
        {
            listener.OnKeyRemoved(database, key, value);
        }
    }

    public void OnKeyRenamed(Database database, byte[] oldKey, byte[] newKey, object value)
    {
        foreach (IKeyMoveListener listener in _moveListeners)
        {
            listener.OnKeyRenamed(database, oldKey, newKey, value);
        }
    }

    public void OnKeyArrived(Database database, byte[] key, object value)
    {
        foreach (IKeyMoveListener listener in _moveListeners)
        {
            listener.OnKeyArrived(database, key, value);
        }
    }

    public void OnDatabaseCleared(Database database)
    {
        foreach (IKeyMoveListener listener in _moveListeners)
        {
            listener.OnDatabaseCleared(database);
        }
    }

    public void OnDatabasesSwapped(Database first, Database second)
    {
        foreach (IKeyMoveListener listener in _moveListeners)
        {
            listener.OnDatabasesSwapped(first, second);
        }
    }

    public void OnDataLoaded(MemoryStore store)
    {
        foreach (IKeyMoveListener listener in _moveListeners)
        {
            listener.OnDataLoaded(store);
        }
    }
}
