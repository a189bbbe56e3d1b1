namespace Cairn.Engine.Memory.Keyspace;

/// <summary>A client that WATCHes keys; told when one of them is touched so its next EXEC fails.</summary>
public interface IKeyWatcher
{
    void OnWatchedKeyTouched();
}
