using Cairn.Consensus.Quorum;
using Cairn.Primitives;

namespace Cairn.Consensus.ReadOnly;

/// <summary>
/// ReadIndex requests waiting for a majority to confirm this leader is still the leader (Raft dissertation 6.4).
/// Single-threaded, owned by <see cref="RaftNode"/>; cleared whenever the node stops leading.
/// </summary>
/// <remarks>
/// Requests are confirmed in order: a heartbeat round that confirms request k was sent after k was registered, so it also
/// confirms every earlier request. Invariant: queued read indexes never decrease; count ≤ <see cref="Capacity"/>.
/// </remarks>
internal sealed class ReadIndexTracker
{
    private readonly List<PendingRead> _queue = [];

    public ReadIndexTracker(int capacity)
    {
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _queue.Count;

    public bool IsFull => _queue.Count >= Capacity;

    /// <summary>The newest request id, sent on heartbeats so their answers confirm every queued request.</summary>
    public ulong NewestRequestId => _queue.Count == 0 ? 0 : _queue[^1].RequestId;

    public void Add(ulong requestId, ulong readIndex, ulong self)
    {
        Invariant.Require(!IsFull, "bounded read queue");
        Invariant.Require(_queue.Count == 0 || _queue[^1].ReadIndex <= readIndex, "read indexes never decrease");
        var pending = new PendingRead(requestId, readIndex, []);
        pending.Acknowledged.Add(self);
        _queue.Add(pending);
    }

    /// <summary>Records that <paramref name="node"/> answered a heartbeat carrying <paramref name="requestId"/>; returns the reads now confirmed.</summary>
    public IReadOnlyList<ReadState> Acknowledge(ulong requestId, ulong node, IReadOnlyList<ulong> voters)
    {
        int position = _queue.FindIndex(p => p.RequestId == requestId);
        if (position < 0)
        {
            return [];
        }
        var pending = _queue[position];
        pending.Acknowledged.Add(node);
        int acknowledgedVoters = 0;
        foreach (ulong voter in voters)
        {
            if (pending.Acknowledged.Contains(voter))
            {
                acknowledgedVoters++;
            }
        }
        if (acknowledgedVoters < MajorityQuorum.Size(voters.Count))
        {
            return [];
        }
        var confirmed = new List<ReadState>(position + 1);
        for (int i = 0; i <= position; i++)
        {
            confirmed.Add(new ReadState(_queue[i].RequestId, _queue[i].ReadIndex));
        }
        _queue.RemoveRange(0, position + 1);
        return confirmed;
    }

    public void Clear() => _queue.Clear();

    private sealed record PendingRead(ulong RequestId, ulong ReadIndex, HashSet<ulong> Acknowledged);
}
