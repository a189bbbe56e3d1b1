using Cairn.Replication.Membership;
using Cairn.Replication.Placement;

namespace Cairn.Replication.Keyspace;

/// <summary>
/// Who answers for each partition in a keyless command (DBSIZE, KEYS, SCAN, RANDOMKEY): the first replica of its preference
/// list that is alive, else the first suspect one (as a write's primary is chosen), else nobody (the partition is
/// unavailable). Each partition has one owner, so a key held by all its replicas is counted once.
/// </summary>
public static class KeyspaceOwners
{
    /// <summary>The owner of each partition (null = no replica is reachable).</summary>
    public static string?[] Assign(PartitionMap map, Func<string, Liveness> liveness)
    {
        var owners = new string?[map.Layout.PartitionCount];
        for (int p = 0; p < owners.Length; p++)
        {
            owners[p] = OwnerOf(map.Replicas(p), liveness);
        }
        return owners;
    }

    public static string? OwnerOf(IReadOnlyList<string> replicas, Func<string, Liveness> liveness)
    {
        string? suspect = null;
        foreach (string node in replicas)
        {
            Liveness state = liveness(node);
            if (state == Liveness.Alive)
            {
                return node;
            }
            if (state == Liveness.Suspect)
            {
                suspect ??= node;
            }
        }
        return suspect;
    }

    /// <summary>The partitions each owner answers for, by node id.</summary>
    public static Dictionary<string, List<int>> ByNode(string?[] owners)
    {
        var byNode = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int p = 0; p < owners.Length; p++)
        {
            if (owners[p] is not { } owner)
            {
                continue;
            }
            if (!byNode.TryGetValue(owner, out List<int>? partitions))
            {
                partitions = [];
                byNode[owner] = partitions;
            }
            partitions.Add(p);
        }
        return byNode;
    }
}
