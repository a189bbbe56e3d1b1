using Cairn.Primitives;

namespace Cairn.Replication.Node;

/// <summary>
/// Blocking commands (BLPOP...) parked by coordinators on keys this node executed them for as primary and found nothing to
/// serve: when one of the keys changes here (a write as primary, or an installed replica state), the watch fires once and
/// the coordinator retries the command. Bounded by <see cref="MaxWatches"/> and by an expiry tick (the coordinator retries
/// on its own after a while, so an expired or refused watch only delays a wake-up).
/// Thread safety: not thread safe (the node's).
/// Invariants: a (coordinator, request) pair has at most one watch; every watch is indexed under each of its keys.
/// </summary>
public sealed class BlockedKeyWatches
{
    public const int MaxWatches = 100_000;

    private readonly Dictionary<byte[], List<Watch>> _byKey = new(ByteArrayComparer.Instance);
    private readonly Dictionary<(string Coordinator, long RequestId), Watch> _byRequest = [];

    public int Count => _byRequest.Count;

    /// <summary>Registers (or renews) a watch; false when the table is full.</summary>
    public bool Add(string coordinator, long requestId, IReadOnlyList<byte[]> keys, long expiresTick)
    {
        Remove((coordinator, requestId));
        if (_byRequest.Count >= MaxWatches)
        {
            return false;
        }
        var watch = new Watch(coordinator, requestId, [.. keys], expiresTick);
        _byRequest[(coordinator, requestId)] = watch;
        foreach (byte[] key in watch.Keys)
        {
            if (!_byKey.TryGetValue(key, out List<Watch>? list))
            {
                list = [];
                _byKey[key] = list;
            }
            list.Add(watch);
        }
        return true;
    }

    /// <summary>Removes and returns the watches on <paramref name="key"/>, in registration order.</summary>
    public List<(string Coordinator, long RequestId)> Fire(byte[] key)
    {
        var fired = new List<(string, long)>();
        if (_byKey.Count == 0 || !_byKey.TryGetValue(key, out List<Watch>? list))
        {
            return fired;
        }
        foreach (Watch watch in list.ToArray())
        {
            fired.Add((watch.Coordinator, watch.RequestId));
            Remove((watch.Coordinator, watch.RequestId));
        }
        return fired;
    }

    public void Expire(long nowTick)
    {
        if (_byRequest.Count == 0)
        {
            return;
        }
        var expired = new List<(string, long)>();
        foreach ((var id, Watch watch) in _byRequest)
        {
            if (nowTick >= watch.ExpiresTick)
            {
                expired.Add(id);
            }
        }
        foreach (var id in expired)
        {
            Remove(id);
        }
    }

    private void Remove((string Coordinator, long RequestId) id)
    {
        if (!_byRequest.Remove(id, out Watch? watch))
        {
            return;
        }
        foreach (byte[] key in watch.Keys)
        {
            List<Watch> list = _byKey[key];
            list.Remove(watch);
            if (list.Count == 0)
            {
                _byKey.Remove(key);
            }
        }
        Invariant.Require(_byRequest.Count <= MaxWatches, "watch table bound");
    }

    private sealed record Watch(string Coordinator, long RequestId, byte[][] Keys, long ExpiresTick);
}
