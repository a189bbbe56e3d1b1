using System.Runtime.CompilerServices;
using Cairn.Commands.Clients;
using Cairn.Replication.Node;
using Cairn.Replication.Placement;

namespace Cairn.Cluster.Transactions;

/// <summary>
/// WATCH in cluster mode, as optimistic concurrency on versions: WATCH reads its keys' versions from a read quorum (the
/// newest any responder holds) and remembers them for the connection; EXEC sends them with the transaction to the
/// partition's primary, which runs it only if each watched key's version there is still the same, else answers a null
/// array as Redis does when a watched key was touched. With R + W &gt; N the quorum saw every acknowledged write, so a write
/// acknowledged after the WATCH is always caught; a write still in flight, or a primary ahead of the quorum, aborts the
/// transaction needlessly (safe: the client retries). Watched keys must share a slot with each other and with the
/// transaction's keys (CROSSSLOT otherwise, as Redis Cluster).
/// Thread safety: every member runs under the store lock (client threads in TryRoute, the loop when answering).
/// </summary>
internal sealed class ClusterWatches
{
    private readonly ConditionalWeakTable<Client, WatchState> _states = [];
    private readonly Dictionary<long, (Client Client, byte[][] Keys)> _reading = [];

    /// <summary>The watched slot of a client, or -1.</summary>
    public int SlotOf(Client client) => _states.TryGetValue(client, out WatchState? state) ? state.Slot : -1;

    public void Clear(Client client) => _states.Remove(client);

    /// <summary>Takes (and forgets) a client's watched keys for its EXEC.</summary>
    public List<WatchedKey>? Take(Client client)
    {
        if (!_states.TryGetValue(client, out WatchState? state))
        {
            return null;
        }
        _states.Remove(client);
        return state.Keys;
    }

    /// <summary>A WATCH was submitted as read <paramref name="requestId"/>.</summary>
    public void Track(long requestId, Client client, byte[][] keys) => _reading[requestId] = (client, keys);

    /// <summary>Records the versions a WATCH's read returned; false for other requests (or a failed read: answered as usual).</summary>
    public bool TryComplete(Completion completion)
    {
        if (_reading.Count == 0 || !_reading.Remove(completion.RequestId, out var watch))
        {
            return false;
        }
        if (completion.Status != CompletionStatus.Ok || completion.Versions is not { } versions || versions.Count != watch.Keys.Length)
        {
            return false;
        }
        if (!_states.TryGetValue(watch.Client, out WatchState? state))
        {
            state = new WatchState(HashSlots.ForKey(watch.Keys[0]));
            _states.Add(watch.Client, state);
        }
        for (int i = 0; i < watch.Keys.Length; i++)
        {
            state.Keys.Add(new WatchedKey(watch.Keys[i], versions[i]));
        }
        return true;
    }

    private sealed class WatchState(int slot)
    {
        public int Slot { get; } = slot;
        public List<WatchedKey> Keys { get; } = [];
    }
}
