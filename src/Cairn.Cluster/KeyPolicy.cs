using System.Globalization;
using System.Text;
using Cairn.Primitives;

namespace Cairn.Cluster;

/// <summary>
/// A consistency policy for the keys matching a glob (Redis stringmatch rules): how many replicas (N, at most the cluster's
/// replication factor) and the read and write quorums. Parsed from cluster-policies: "glob:N:R:W" entries separated by spaces (the glob may contain ':').
/// </summary>
public sealed record KeyPolicy(string Pattern, int Replicas, int ReadQuorum, int WriteQuorum)
{
    private readonly byte[] _pattern = Encoding.UTF8.GetBytes(Pattern);

    public bool Matches(ReadOnlySpan<byte> key) => GlobPattern.IsMatch(_pattern, key, ignoreCase: false);

    /// <summary>Parses the policies; returns an error text for the first bad entry.</summary>
    public static string? TryParse(string text, int maxReplicas, out List<KeyPolicy> policies)
    {
        policies = [];
        foreach (string entry in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // The glob may itself contain ':' (key names usually do): the three numbers are the last three fields.
            string[] numbers = entry.Split(':');
            string[] parts = numbers.Length < 4 ? numbers
                : [string.Join(':', numbers[..^3]), numbers[^3], numbers[^2], numbers[^1]];
            if (parts.Length != 4 || parts[0].Length == 0
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
                || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int r)
                || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int w))
            {
                return $"bad cluster policy '{entry}': expected glob:N:R:W";
            }
            if (n < 1 || n > maxReplicas || r < 1 || r > n || w < 1 || w > n)
            {
                return $"bad cluster policy '{entry}': need 1 <= R, W <= N <= cluster-replicas ({maxReplicas})";
            }
            policies.Add(new KeyPolicy(parts[0], n, r, w));
        }
        return null;
    }
}
