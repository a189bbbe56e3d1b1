using Cairn.Primitives;

namespace Cairn.Replication.Quorum;

/// <summary>
/// Counts acknowledgements of one replicated write: reached once <see cref="Required"/> distinct replicas acknowledged,
/// failed once so many refused or were given up on that it cannot be reached. Duplicate acknowledgements count once.
/// </summary>
public sealed class WriteQuorum
{
    private readonly HashSet<string> _acknowledged = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

    public WriteQuorum(IReadOnlyList<string> replicas, int required)
    {
        Invariant.Require(required >= 1 && required <= replicas.Count, "1 <= W <= N");
        Replicas = replicas;
        Required = required;
    }

    public IReadOnlyList<string> Replicas { get; }

    public int Required { get; }

    public int Acknowledged => _acknowledged.Count;

    public QuorumOutcome Outcome =>
        _acknowledged.Count >= Required ? QuorumOutcome.Reached
        : Replicas.Count - _failed.Count < Required ? QuorumOutcome.Failed
        : QuorumOutcome.Pending;

    public bool HasAcknowledged(string node) => _acknowledged.Contains(node);

    public QuorumOutcome Acknowledge(string node)
    {
        if (Replicas.Contains(node) && !_failed.Contains(node))
        {
            _acknowledged.Add(node);
        }
        return Outcome;
    }

    public QuorumOutcome Fail(string node)
    {
        if (Replicas.Contains(node) && !_acknowledged.Contains(node))
        {
            _failed.Add(node);
        }
        return Outcome;
    }
}
