using Cairn.Primitives;
using Cairn.Replication.Placement;

namespace Cairn.Replication.Membership;

/// <summary>
/// The cluster's membership as this node knows it: the newest <see cref="MemberRecord"/> of every node ever heard of.
/// <see cref="PlacementVersion"/> counts changes to the placement set (nodes joining or leaving), which is what the
/// partition map is a function of; heartbeats alone do not change it. Thread safety: not thread safe (owned by one node).
/// </summary>
public sealed class MembershipState
{
    /// <summary>Bounds the cluster size this state tracks (a limit on everything).</summary>
    public const int MaxMembers = 1024;

    private readonly Dictionary<string, MemberRecord> _members = new(StringComparer.Ordinal);

    public long PlacementVersion { get; private set; }

    public int Count => _members.Count;

    public IEnumerable<MemberRecord> Records => _members.Values;

    public MemberRecord? Find(string nodeId) => _members.GetValueOrDefault(nodeId);

    /// <summary>Merges one record; returns true when it was newer than what this state held.</summary>
    public bool Merge(MemberRecord record)
    {
        if (_members.TryGetValue(record.NodeId, out MemberRecord? existing))
        {
            if (!record.IsNewerThan(existing))
            {
                return false;
            }
            _members[record.NodeId] = record;
            if (existing.Left != record.Left || existing.Zone != record.Zone)
            {
                PlacementVersion++;
            }
            return true;
        }
        if (_members.Count >= MaxMembers)
        {
            return false;
        }
        _members[record.NodeId] = record;
        if (!record.Left)
        {
            PlacementVersion++;
        }
        return true;
    }

    /// <summary>The nodes placement uses: every member that has not left, live or not (a down node keeps its partitions).</summary>
    public List<NodePlacement> PlacementNodes()
    {
        var nodes = new List<NodePlacement>(_members.Count);
        foreach (MemberRecord record in _members.Values)
        {
            if (!record.Left)
            {
                nodes.Add(new NodePlacement(record.NodeId, record.Zone));
            }
        }
        Invariant.Require(nodes.Count <= MaxMembers, "member count bounded");
        return nodes;
    }
}
