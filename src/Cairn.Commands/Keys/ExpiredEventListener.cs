using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Keys;

/// <summary>
/// Publishes the "expired" keyspace event when the engine deletes a key on its own, lazily on access or in the active
/// expiry cycle (Redis's deleteExpiredKeyAndPropagate). Called under the store lock, like everything that reaches it.
/// </summary>
internal sealed class ExpiredEventListener : IKeyspaceListener
{
    private readonly KeyspaceNotifier _notifier;

    public ExpiredEventListener(KeyspaceNotifier notifier)
    {
        _notifier = notifier;
    }

    public void OnKeyExpired(Database database, byte[] key) =>
        _notifier.Notify(KeyspaceEvents.Expired, "expired", key, database.Index);

    public void OnKeyRemoved(Database database, byte[] key, object value)
    {
        // Explicit deletions publish their own events from the commands.
    }
}
