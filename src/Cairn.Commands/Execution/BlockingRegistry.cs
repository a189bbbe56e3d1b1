using Cairn.Commands.Clients;
using Cairn.Primitives;

namespace Cairn.Commands.Execution;

/// <summary>
/// Clients blocked on keys, served first-come first-served as Redis's handleClientsBlockedOnKeys: a write to a key only
/// marks it ready; when the writing command (or EXEC) finishes, still under the store lock, each ready key's waiters
/// re-run their command in arrival order until one would block again. Thread safety: under the store lock.
/// </summary>
public sealed class BlockingRegistry
{
    private const int MaxServeRounds = 1_000_000;
    private readonly Dictionary<(int Database, byte[] Key), LinkedList<BlockRequest>> _waiting = new(new KeyComparer());
    private readonly List<(int Database, byte[] Key)> _ready = [];
    private readonly HashSet<(int Database, byte[] Key)> _readySet = new(new KeyComparer());

    public int BlockedClients { get; private set; }

    public int BlockedKeys => _waiting.Count;

    public bool HasReadyKeys => _ready.Count > 0;

    public void Register(BlockRequest request)
    {
        foreach (byte[] key in request.Keys)
        {
            var id = (request.Database, key);
            if (!_waiting.TryGetValue(id, out LinkedList<BlockRequest>? queue))
            {
                queue = new LinkedList<BlockRequest>();
                _waiting.Add(id, queue);
            }
            queue.AddLast(request);
        }
        BlockedClients++;
    }

    /// <summary>Removes a request from every queue (served, timed out, client gone).</summary>
    public void Unregister(BlockRequest request)
    {
        bool found = false;
        foreach (byte[] key in request.Keys)
        {
            var id = (request.Database, key);
            if (_waiting.TryGetValue(id, out LinkedList<BlockRequest>? queue))
            {
                found |= queue.Remove(request);
                if (queue.Count == 0)
                {
                    _waiting.Remove(id);
                }
            }
        }
        if (found)
        {
            BlockedClients--;
        }
    }

    /// <summary>
    /// Ends a wait that was not served (timed out, client gone, watch cancelled): removes it from its queues and completes
    /// it unserved. Returns false when it was already done. REQUIRES: the store lock.
    /// </summary>
    public bool Abandon(BlockRequest request)
    {
        if (request.IsDone)
        {
            return false;
        }
        Unregister(request);
        request.Completion.TrySetResult(false);
        return true;
    }

    /// <summary>Called for every modified key; O(1) and allocation-free when nobody is blocked.</summary>
    public void SignalKeyReady(int database, ReadOnlySpan<byte> key)
    {
        if (_waiting.Count == 0)
        {
            return;
        }
        byte[] probe = key.ToArray();
        var id = (database, probe);
        if (_waiting.ContainsKey(id) && _readySet.Add(id))
        {
            _ready.Add(id);
        }
    }

    /// <summary>Serves waiters of ready keys; <paramref name="run"/> re-executes a request's command and says if it was served.</summary>
    public void ServeReadyKeys(Func<BlockRequest, bool> run)
    {
        int rounds = 0;
        while (_ready.Count > 0)
        {
            Invariant.Require(++rounds < MaxServeRounds, "blocked-client serving did not converge");
            (int Database, byte[] Key) id = _ready[0];
            _ready.RemoveAt(0);
            _readySet.Remove(id);
            if (!_waiting.TryGetValue(id, out LinkedList<BlockRequest>? queue))
            {
                continue;
            }
            foreach (BlockRequest request in queue.ToArray())
            {
                if (request.IsDone)
                {
                    continue;
                }
                if (request.Client.IsClosing)
                {
                    Abandon(request);
                    continue; // a waiter that went away is skipped, not served
                }
                if (run(request))
                {
                    Unregister(request);
                    request.Completion.TrySetResult(true);
                }
                else if (!request.IndependentOfOtherWaiters)
                {
                    break; // the key cannot serve the next waiter either (e.g. the list is empty again)
                }
            }
        }
    }

    private sealed class KeyComparer : IEqualityComparer<(int Database, byte[] Key)>
    {
        public bool Equals((int Database, byte[] Key) x, (int Database, byte[] Key) y) =>
            x.Database == y.Database && x.Key.AsSpan().SequenceEqual(y.Key);

        public int GetHashCode((int Database, byte[] Key) obj) => ByteArrayComparer.Hash(obj.Key) ^ obj.Database;
    }
}
