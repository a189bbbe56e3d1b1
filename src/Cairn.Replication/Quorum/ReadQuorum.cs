using Cairn.Primitives;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Quorum;

/// <summary>
/// Collects the responses of one quorum read: each replica reports the versions of the request's keys and its reply. Once
/// <see cref="Required"/> replicas answered, the newest response wins (the one whose versions are newest, key by key, with the
/// first key deciding ties) and every responder holding an older version of a key is a read-repair target for it.
/// </summary>
public sealed class ReadQuorum
{
    // One per quorum read (every GET): sized for the targets, the failed set made only when a node fails.
    private readonly List<(string Node, ValueVersion[] Versions, byte[] Reply, bool VersionsOnly)> _responses;
    private HashSet<string>? _failed;

    private string[] _targets;

    /// <summary>No repairs (returned by <see cref="RepairPlan"/> for replicas in step: callers only read it).</summary>
    private static readonly List<(int KeyIndex, string Source, List<string> Stale)> s_noRepairs = [];

    /// <param name="targets">The replicas asked; a <c>string[]</c> is kept as is (the caller hands it over), else copied.</param>
    public ReadQuorum(IReadOnlyList<string> targets, int required)
    {
        Invariant.Require(required >= 1 && required <= targets.Count, "1 <= R <= targets");
        _targets = targets as string[] ?? [.. targets];
        _responses = new(targets.Count);
        Required = required;
    }

    public IReadOnlyList<string> Targets => _targets;

    /// <summary>Asks one more replica (a retry when a target is slow to answer); false when it is a target already.</summary>
    public bool AddTarget(string node)
    {
        if (Array.IndexOf(_targets, node) >= 0)
        {
            return false;
        }
        _targets = [.. _targets, node];
        return true;
    }

    public int Required { get; }

    public int ResponseCount => _responses.Count;

    public QuorumOutcome Outcome =>
        _responses.Count >= Required ? QuorumOutcome.Reached
        : Targets.Count - (_failed?.Count ?? 0) < Required ? QuorumOutcome.Failed
        : QuorumOutcome.Pending;

    /// <param name="versionsOnly">
    /// The responder sent its versions without a reply because none is newer than those of a responder that did send one
    /// (the coordinator's own read): it counts toward the quorum and read repair, and its reply is never the answer.
    /// </param>
    public QuorumOutcome Respond(string node, ValueVersion[] versions, byte[] reply, bool versionsOnly = false)
    {
        if (Array.IndexOf(_targets, node) >= 0 && _failed?.Contains(node) != true && !HasResponded(node))
        {
            _responses.Add((node, versions, reply, versionsOnly));
        }
        return Outcome;
    }

    /// <summary>The versions <paramref name="node"/> responded with; null when it has not responded.</summary>
    public ValueVersion[]? VersionsOf(string node)
    {
        foreach (var response in _responses)
        {
            if (response.Node == node)
            {
                return response.Versions;
            }
        }
        return null;
    }

    /// <summary>Per key, the newest version any responder holds (what a WATCH must see unchanged at EXEC).</summary>
    public ValueVersion[] NewestVersions()
    {
        Invariant.Require(_responses.Count > 0, "no responses");
        var newest = (ValueVersion[])_responses[0].Versions.Clone();
        foreach ((_, ValueVersion[] versions, _, _) in _responses)
        {
            for (int i = 0; i < Math.Min(newest.Length, versions.Length); i++)
            {
                if (versions[i].CompareNewness(newest[i]) > 0)
                {
                    newest[i] = versions[i];
                }
            }
        }
        return newest;
    }

    public QuorumOutcome Fail(string node)
    {
        if (!HasResponded(node))
        {
            (_failed ??= new HashSet<string>(StringComparer.Ordinal)).Add(node);
        }
        return Outcome;
    }

    private bool HasResponded(string node)
    {
        foreach (var response in _responses)
        {
            if (response.Node == node)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The winning reply. REQUIRES Outcome == Reached.</summary>
    public byte[] NewestReply(out string node)
    {
        int best = _responses.FindIndex(r => !r.VersionsOnly);
        Invariant.Require(best >= 0, "a response with a reply");
        for (int i = best + 1; i < _responses.Count; i++)
        {
            if (!_responses[i].VersionsOnly && CompareResponses(_responses[i].Versions, _responses[best].Versions) > 0)
            {
                best = i;
            }
        }
        node = _responses[best].Node;
        return _responses[best].Reply;
    }

    /// <summary>For each key index: the node holding the newest version and the responders that hold an older one.</summary>
    /// <remarks>With nothing to repair (the usual read) this is a shared empty list, so callers must not modify it.</remarks>
    public List<(int KeyIndex, string Source, List<string> Stale)> RepairPlan()
    {
        List<(int, string, List<string>)>? plan = null; // made only when a key needs repair
        if (_responses.Count == 0)
        {
            return s_noRepairs;
        }
        int keys = _responses[0].Versions.Length;
        for (int k = 0; k < keys; k++)
        {
            int newest = 0;
            for (int i = 1; i < _responses.Count; i++)
            {
                if (_responses[i].Versions[k].CompareNewness(_responses[newest].Versions[k]) > 0)
                {
                    newest = i;
                }
            }
            List<string>? stale = null; // made only for a key that needs repair (reads of replicas in step need none)
            foreach (var response in _responses)
            {
                if (response.Versions[k].CompareNewness(_responses[newest].Versions[k]) < 0)
                {
                    (stale ??= []).Add(response.Node);
                }
            }
            if (stale is not null)
            {
                (plan ??= []).Add((k, _responses[newest].Node, stale));
            }
        }
        return plan ?? s_noRepairs;
    }

    private static int CompareResponses(ValueVersion[] a, ValueVersion[] b)
    {
        int wins = 0;
        for (int k = 0; k < Math.Min(a.Length, b.Length); k++)
        {
            wins += Math.Sign(a[k].CompareNewness(b[k]));
        }
        return wins != 0 ? wins : a.Length > 0 && b.Length > 0 ? a[0].CompareNewness(b[0]) : 0;
    }
}
