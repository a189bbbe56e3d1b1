using Cairn.Consensus.Log;

namespace Cairn.Consensus.Tests.Simulation;

/// <summary>
/// Raft's safety properties (Figure 3 of the paper), checked against every node as the simulation runs. Each check throws
/// <see cref="SimulationFailureException"/> with what broke.
/// </summary>
internal sealed class RaftInvariantChecker
{
    private readonly Dictionary<ulong, ulong> _leaderByTerm = [];
    private readonly Dictionary<(ulong Index, ulong Term), (byte[] Data, ulong PreviousTerm)> _entries = [];
    private readonly List<Entry?> _committed = [null];

    // Per index: the entry's term and the term of the leader that first committed it (index 0 unused).
    private readonly List<(ulong EntryTerm, ulong CommitTerm)> _commits = [(0, 0)];

    public int Checks { get; private set; }

    public ulong HighestCommittedIndex => (ulong)(_committed.Count - 1);

    /// <summary>The highest index any leader has committed so far.</summary>
    public ulong HighestLeaderCommit => (ulong)(_commits.Count - 1);

    /// <summary>Election Safety: at most one leader can be elected in a given term.</summary>
    public void LeaderElected(ulong node, ulong term, RaftLog log)
    {
        Checks++;
        if (_leaderByTerm.TryGetValue(term, out ulong other) && other != node)
        {
            throw new SimulationFailureException($"election safety: nodes {other} and {node} both led term {term}");
        }
        _leaderByTerm[term] = node;
        // Leader Completeness: a leader's log contains every entry committed in earlier terms. (A vote answer can be delayed
        // past later terms, so a leader of an old term may legitimately lack entries committed in newer ones.)
        for (ulong index = log.SnapshotIndex + 1; index < (ulong)_commits.Count; index++)
        {
            var (entryTerm, commitTerm) = _commits[(int)index];
            if (commitTerm < term && (!log.TryGetTerm(index, out ulong actual) || actual != entryTerm))
            {
                throw new SimulationFailureException(
                    $"leader completeness: node {node}, leader of term {term}, lacks entry {index} (term {entryTerm}) committed in term {commitTerm}");
            }
        }
    }

    /// <summary>Records which leader term first committed each index (for Leader Completeness).</summary>
    public void LeaderCommitted(ulong term, ulong committed, RaftLog log)
    {
        for (ulong index = (ulong)_commits.Count; index <= committed; index++)
        {
            Checks++;
            // An index below the leader's snapshot was committed unobserved; ulong.MaxValue excludes it from the check.
            _commits.Add(log.TryGetTerm(index, out ulong entryTerm) && index > log.SnapshotIndex ? (entryTerm, term) : (0, ulong.MaxValue));
        }
    }

    /// <summary>
    /// Log Matching, checked incrementally: entries are identified by (index, term) across all nodes, so each persisted entry must
    /// have the same data and the same previous term everywhere (by induction, identical prefixes).
    /// </summary>
    public void EntriesPersisted(ulong node, IReadOnlyList<Entry> entries, RaftLog log)
    {
        foreach (var entry in entries)
        {
            Checks++;
            if (!log.TryGetTerm(entry.Index - 1, out ulong previousTerm))
            {
                continue;
            }
            var key = (entry.Index, entry.Term);
            if (_entries.TryGetValue(key, out var known))
            {
                if (known.PreviousTerm != previousTerm || !known.Data.AsSpan().SequenceEqual(entry.Data))
                {
                    throw new SimulationFailureException($"log matching: node {node} has a different entry or prefix at ({entry.Index}, term {entry.Term})");
                }
            }
            else
            {
                _entries[key] = (entry.Data, previousTerm);
            }
        }
    }

    /// <summary>State Machine Safety: no two nodes apply different entries at the same index.</summary>
    public void EntryApplied(ulong node, Entry entry)
    {
        Checks++;
        int index = (int)entry.Index;
        if (index < _committed.Count)
        {
            var known = _committed[index];
            if (known is null)
            {
                _committed[index] = entry;
                return;
            }
            if (known.Term != entry.Term || !known.Data.AsSpan().SequenceEqual(entry.Data))
            {
                throw new SimulationFailureException($"state machine safety: node {node} applied a different entry at {index}");
            }
            return;
        }
        if (index != _committed.Count)
        {
            // Another node applied a prefix we never saw (it was compacted into snapshots); keep the record contiguous.
            while (_committed.Count < index)
            {
                _committed.Add(null);
            }
        }
        _committed.Add(entry);
    }

    /// <summary>Persisted hard state: the term never decreases, a vote never changes within a term, commit never decreases.</summary>
    public void HardStatePersisted(ulong node, HardState previous, HardState next)
    {
        Checks++;
        if (next.Term < previous.Term || (next.Term == previous.Term && previous.Vote != 0 && next.Vote != previous.Vote) ||
            next.Commit < previous.Commit)
        {
            throw new SimulationFailureException($"hard state went backwards on node {node}: {previous} -> {next}");
        }
    }
}
