namespace Cairn.Engine.Memory.Keyspace;

/// <summary>Receives what the keyspace does on its own (expiry, eviction), so notifications and indexes follow.</summary>
public interface IKeyspaceListener
{
    void OnKeyExpired(Database database, byte[] key);

    /// <summary>A key holding a <see cref="DataObject"/> left the keyspace or had its value replaced (indexes of series and
    /// documents forget it). Strings are not reported: nothing indexes them, and a small string's key has no array of its own.</summary>
    void OnKeyRemoved(Database database, byte[] key, object value);
}
