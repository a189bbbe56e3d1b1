using Cairn.Consensus.Membership;
using Cairn.Consensus.Quorum;

namespace Cairn.Consensus.Tracking;

/// <summary>
/// The leader's progress for every member, and a candidate's votes. Single-threaded, owned by <see cref="RaftNode"/>.
/// </summary>
/// <remarks>Invariant: after <see cref="Reconcile"/>, there is exactly one progress per member of the configuration.</remarks>
internal sealed class ProgressTracker
{
    private readonly Dictionary<ulong, Progress> _progress = [];
    private readonly Dictionary<ulong, bool> _votes = [];
    private readonly int _maxInflightMessages;

    public ProgressTracker(int maxInflightMessages)
    {
        _maxInflightMessages = maxInflightMessages;
    }

    public IReadOnlyDictionary<ulong, Progress> All => _progress;

    public Progress? Get(ulong node) => _progress.GetValueOrDefault(node);

    /// <summary>Starts fresh for a new term: every member probed from <paramref name="next"/>.</summary>
    public void ResetAll(Configuration configuration, ulong next)
    {
        _progress.Clear();
        Reconcile(configuration, next);
    }

    /// <summary>Adds progress for new members (probed from <paramref name="next"/>) and drops it for removed ones.</summary>
    public void Reconcile(Configuration configuration, ulong next)
    {
        foreach (ulong node in _progress.Keys.ToArray())
        {
            if (!configuration.Contains(node))
            {
                _progress.Remove(node);
            }
        }
        foreach (ulong node in configuration.Members)
        {
            if (_progress.TryGetValue(node, out var existing))
            {
                existing.IsLearner = configuration.IsLearner(node);
            }
            else
            {
                _progress[node] = new Progress(next, _maxInflightMessages, configuration.IsLearner(node));
            }
        }
    }

    public ulong CommittedIndex(Configuration configuration) =>
        MajorityQuorum.CommittedIndex(configuration.Voters, node => _progress.TryGetValue(node, out var p) ? p.Match : 0);

    /// <summary>CheckQuorum: did a majority of voters (counting <paramref name="self"/>) talk to us since the last check?</summary>
    public bool QuorumActive(Configuration configuration, ulong self)
    {
        int active = 0;
        foreach (ulong voter in configuration.Voters)
        {
            if (voter == self || (_progress.TryGetValue(voter, out var p) && p.RecentActive))
            {
                active++;
            }
        }
        return configuration.Voters.Count > 0 && active >= MajorityQuorum.Size(configuration.Voters.Count);
    }

    /// <summary>
    /// The leader tick from which a majority of voters is known to have heard from this leader: the quorum-th highest
    /// acknowledged send tick, where the leader itself counts as <paramref name="nowTick"/>.
    /// </summary>
    public ulong QuorumAcknowledgedSendTick(Configuration configuration, ulong self, ulong nowTick) =>
        MajorityQuorum.CommittedIndex(configuration.Voters,
            node => node == self ? nowTick : _progress.TryGetValue(node, out var p) ? p.AcknowledgedSendTick : 0);

    public void ResetRecentActive(ulong self)
    {
        foreach (var (node, progress) in _progress)
        {
            progress.RecentActive = node == self;
        }
    }

    public void ResetVotes() => _votes.Clear();

    public void RecordVote(ulong node, bool granted) => _votes.TryAdd(node, granted);

    public VoteResult TallyVotes(Configuration configuration) => MajorityQuorum.Tally(configuration.Voters, _votes);
}
