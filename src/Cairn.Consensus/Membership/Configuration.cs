namespace Cairn.Consensus.Membership;

/// <summary>
/// The members of a Raft group: voters (count toward elections and commitment) and learners (receive the log, never vote).
/// </summary>
/// <remarks>Invariants: both lists sorted ascending, no duplicates, disjoint; node id 0 means "none" and is never a member.</remarks>
public sealed class Configuration : IEquatable<Configuration>
{
    private readonly ulong[] _voters;
    private readonly ulong[] _learners;

    public Configuration(IEnumerable<ulong> voters, IEnumerable<ulong> learners)
    {
        _voters = voters.Distinct().Order().ToArray();
        _learners = learners.Distinct().Order().ToArray();
        Cairn.Primitives.Invariant.Require(!_voters.Contains(0UL) && !_learners.Contains(0UL), "node id 0 is reserved");
        Cairn.Primitives.Invariant.Require(!_voters.Intersect(_learners).Any(), "a node is either a voter or a learner");
    }

    public static Configuration Empty { get; } = new([], []);

    public static Configuration FromVoters(IEnumerable<ulong> voters) => new(voters, []);

    public IReadOnlyList<ulong> Voters => _voters;

    public IReadOnlyList<ulong> Learners => _learners;

    public bool IsVoter(ulong node) => Array.BinarySearch(_voters, node) >= 0;

    public bool IsLearner(ulong node) => Array.BinarySearch(_learners, node) >= 0;

    public bool Contains(ulong node) => IsVoter(node) || IsLearner(node);

    public IEnumerable<ulong> Members => _voters.Concat(_learners);

    /// <summary>
    /// Applies a one-server change. Returns false (and the unchanged configuration) when the change is not allowed: adding a voter
    /// that is already one, adding a learner that is already a member, removing a non-member or the last voter.
    /// </summary>
    public bool TryApply(ConfigurationChange change, out Configuration result)
    {
        result = this;
        ulong node = change.Node;
        if (node == 0)
        {
            return false;
        }
        switch (change.Type)
        {
            case ConfigurationChangeType.AddVoter:
                if (IsVoter(node))
                {
                    return false;
                }
                result = new Configuration(_voters.Append(node), _learners.Where(l => l != node));
                return true;
            case ConfigurationChangeType.AddLearner:
                if (Contains(node))
                {
                    return false;
                }
                result = new Configuration(_voters, _learners.Append(node));
                return true;
            case ConfigurationChangeType.RemoveNode:
                if (!Contains(node) || (IsVoter(node) && _voters.Length == 1))
                {
                    return false;
                }
                result = new Configuration(_voters.Where(v => v != node), _learners.Where(l => l != node));
                return true;
            default:
                return false;
        }
    }

    public bool Equals(Configuration? other) =>
        other is not null && _voters.AsSpan().SequenceEqual(other._voters) && _learners.AsSpan().SequenceEqual(other._learners);

    public override bool Equals(object? obj) => Equals(obj as Configuration);

    public override int GetHashCode() => HashCode.Combine(_voters.Length, _learners.Length, _voters.FirstOrDefault());

    public override string ToString() =>
        $"voters=[{string.Join(',', _voters)}] learners=[{string.Join(',', _learners)}]";
}
