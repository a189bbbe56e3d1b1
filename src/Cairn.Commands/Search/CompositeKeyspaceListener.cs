using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Search;

/// <summary>Fans the keyspace's own events out to two listeners (expiry notifications and index maintenance).</summary>
internal sealed class CompositeKeyspaceListener : IKeyspaceListener
{
    private readonly IKeyspaceListener _first;
    private readonly IKeyspaceListener _second;

    public CompositeKeyspaceListener(IKeyspaceListener first, IKeyspaceListener second)
    {
        _first = first;
        _second = second;
    }

    public void OnKeyExpired(Database database, byte[] key)
    {
        _first.OnKeyExpired(database, key);
        _second.OnKeyExpired(database, key);
    }

    public void OnKeyRemoved(Database database, byte[] key, object value)
    {
        _first.OnKeyRemoved(database, key, value);
        _second.OnKeyRemoved(database, key, value);
    }
}
