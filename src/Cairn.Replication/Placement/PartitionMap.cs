using System.IO.Hashing;
using System.Text;
using Cairn.Primitives;

namespace Cairn.Replication.Placement;

/// <summary>
/// The preference list of every partition, computed from the member set by rendezvous (highest-random-weight) hashing: each
/// partition ranks all nodes by hash(partition, node) and takes the first N, skipping nodes whose zone is already used while
/// other zones remain. A function of the member set alone, so every node that agrees on membership agrees on the map with no
/// extra protocol, and a joining or leaving node changes only the partitions where it ranks in the top N: about N/(nodes)
/// of them, one replica each, which is the least movement possible.
/// Invariants: every list holds min(N, nodes) distinct nodes; zones are distinct while enough zones exist.
/// Thread safety: immutable.
/// </summary>
public sealed class PartitionMap
{
    private readonly string[][] _replicas;

    public PartitionMap(PartitionLayout layout, IReadOnlyList<NodePlacement> nodes, int replicationFactor, long membershipVersion = 0)
    {
        Invariant.Require(replicationFactor > 0, "replication factor must be positive");
        Layout = layout;
        ReplicationFactor = replicationFactor;
        MembershipVersion = membershipVersion;
        Nodes = [.. nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal)];
        var nodeHashes = new ulong[Nodes.Count];
        for (int i = 0; i < Nodes.Count; i++)
        {
            nodeHashes[i] = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(Nodes[i].NodeId));
        }
        _replicas = new string[layout.PartitionCount][];
        var order = new int[Nodes.Count];
        var weights = new ulong[Nodes.Count];
        for (int p = 0; p < layout.PartitionCount; p++)
        {
            for (int i = 0; i < Nodes.Count; i++)
            {
                order[i] = i;
                weights[i] = Mix(nodeHashes[i] ^ ((ulong)p * 0x9E3779B97F4A7C15UL));
            }
            Array.Sort(weights, order);
            Array.Reverse(order); // highest weight first
            _replicas[p] = Choose(order, Math.Min(replicationFactor, Nodes.Count));
        }
    }

    public PartitionLayout Layout { get; }

    public int ReplicationFactor { get; }

    public long MembershipVersion { get; }

    public IReadOnlyList<NodePlacement> Nodes { get; }

    /// <summary>The preference list of <paramref name="partition"/>: the first entry coordinates writes while it is live.</summary>
    public IReadOnlyList<string> Replicas(int partition) => _replicas[partition];

    public IReadOnlyList<string> ReplicasOfKey(ReadOnlySpan<byte> key) => _replicas[Layout.PartitionOfKey(key)];

    public bool IsReplica(int partition, string nodeId) => Array.IndexOf(_replicas[partition], nodeId) >= 0;

    /// <summary>Replica placements (partition, node) present in this map and absent from <paramref name="other"/>.</summary>
    public int CountPlacementsNotIn(PartitionMap other)
    {
        int count = 0;
        for (int p = 0; p < _replicas.Length; p++)
        {
            foreach (string node in _replicas[p])
            {
                if (!other.IsReplica(p, node))
                {
                    count++;
                }
            }
        }
        return count;
    }

    private string[] Choose(int[] order, int count)
    {
        var chosen = new List<int>(count);
        var zones = new HashSet<string>(StringComparer.Ordinal);
        foreach (int i in order)
        {
            string zone = Nodes[i].Zone;
            if (chosen.Count < count && (zone.Length == 0 || zones.Add(zone)))
            {
                chosen.Add(i);
            }
        }
        foreach (int i in order)
        {
            if (chosen.Count < count && !chosen.Contains(i))
            {
                chosen.Add(i); // fewer zones than replicas: repeat zones rather than under-replicate
            }
        }
        var result = new string[chosen.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Nodes[chosen[i]].NodeId;
        }
        Invariant.Require(result.Distinct(StringComparer.Ordinal).Count() == result.Length, "preference list has duplicates");
        return result;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
