namespace Cairn.Engine.Memory.Keyspace;

/// <summary>Receives what the keyspace does on its own (expiry, eviction), so notifications and indexes follow.</summary>
public interface IKeyspaceListener
{
    void OnKeyExpired(Database database, byte[] key);

    void OnKeyRemoved(Database database, byte[] key, object value);
}
