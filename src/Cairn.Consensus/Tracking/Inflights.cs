using Cairn.Primitives;

namespace Cairn.Consensus.Tracking;

/// <summary>
/// The appends sent to one follower and not yet acknowledged, by last index: a bounded window (flow control) so that a slow
/// follower costs the leader at most <see cref="Capacity"/> messages of buffered work.
/// </summary>
/// <remarks>Invariant: indexes strictly increase front to back; count ≤ capacity.</remarks>
internal sealed class Inflights
{
    private readonly Queue<ulong> _lastIndexes;
    private ulong _newest;

    public Inflights(int capacity)
    {
        Invariant.Require(capacity > 0, "the in-flight window must allow at least one message");
        Capacity = capacity;
        _lastIndexes = new Queue<ulong>(capacity);
    }

    public int Capacity { get; }

    public int Count => _lastIndexes.Count;

    public bool IsFull => _lastIndexes.Count >= Capacity;

    public void Add(ulong lastIndex)
    {
        Invariant.Require(!IsFull, "cannot send past the in-flight window");
        Invariant.Require(_lastIndexes.Count == 0 || lastIndex > _newest, "in-flight indexes increase");
        _lastIndexes.Enqueue(lastIndex);
        _newest = lastIndex;
    }

    /// <summary>Acknowledges every message whose last index is at most <paramref name="index"/>.</summary>
    public void FreeUpTo(ulong index)
    {
        while (_lastIndexes.Count > 0 && _lastIndexes.Peek() <= index)
        {
            _lastIndexes.Dequeue();
        }
    }

    /// <summary>Frees the oldest slot, assuming that message lost (the follower answers heartbeats, so it is reachable).</summary>
    public void FreeFirst()
    {
        if (_lastIndexes.Count > 0)
        {
            _lastIndexes.Dequeue();
        }
    }

    public void Reset() => _lastIndexes.Clear();
}
