using Cairn.Primitives;

namespace Cairn.Replication.Versioning;

/// <summary>
/// A vector clock: one counter per node that coordinated a write of the value. Entries are sorted by node id (ordinal) and
/// counters are positive. Thread safety: immutable.
/// </summary>
public sealed class VectorClock : IEquatable<VectorClock>
{
    /// <summary>Bounds the clock of one value (a value written through more coordinators than this loses its oldest entries).</summary>
    public const int MaxEntries = 32;

    private readonly (string Node, long Counter)[] _entries;

    public static VectorClock Empty { get; } = new([]);

    private VectorClock((string Node, long Counter)[] entries) => _entries = entries;

    public IReadOnlyList<(string Node, long Counter)> Entries => _entries;

    public static VectorClock FromEntries(IEnumerable<(string Node, long Counter)> entries)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Node, b.Node));
        for (int i = 0; i < sorted.Length; i++)
        {
            Invariant.Require(sorted[i].Counter > 0, "vector clock counters are positive");
            Invariant.Require(i == 0 || sorted[i - 1].Node != sorted[i].Node, "vector clock has one entry per node");
        }
        return new VectorClock(sorted);
    }

    public long CounterOf(string node)
    {
        foreach ((string n, long c) in _entries)
        {
            if (n == node)
            {
                return c;
            }
        }
        return 0;
    }

    public VectorClock Increment(string node)
    {
        var list = new List<(string Node, long Counter)>(_entries.Length + 1);
        bool found = false;
        foreach ((string n, long c) in _entries)
        {
            if (n == node)
            {
                list.Add((n, c + 1));
                found = true;
            }
            else
            {
                list.Add((n, c));
            }
        }
        if (!found)
        {
            list.Add((node, 1));
        }
        if (list.Count > MaxEntries)
        {
            // Drop the smallest counter other than ours: it may create false concurrency, never false ordering of our writes.
            int smallest = -1;
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i].Node != node && (smallest < 0 || list[i].Counter < list[smallest].Counter))
                {
                    smallest = i;
                }
            }
            list.RemoveAt(smallest);
        }
        return FromEntries(list);
    }

    public VectorClock Merge(VectorClock other)
    {
        var merged = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((string n, long c) in _entries)
        {
            merged[n] = c;
        }
        foreach ((string n, long c) in other._entries)
        {
            merged[n] = Math.Max(c, merged.GetValueOrDefault(n));
        }
        return FromEntries(merged.Select(kv => (kv.Key, kv.Value)));
    }

    public ClockOrder Compare(VectorClock other)
    {
        bool less = false;
        bool greater = false;
        int i = 0;
        int j = 0;
        while (i < _entries.Length || j < other._entries.Length)
        {
            int cmp = i >= _entries.Length ? 1 : j >= other._entries.Length ? -1 : string.CompareOrdinal(_entries[i].Node, other._entries[j].Node);
            long mine;
            long theirs;
            if (cmp == 0)
            {
                mine = _entries[i++].Counter;
                theirs = other._entries[j++].Counter;
            }
            else if (cmp < 0)
            {
                mine = _entries[i++].Counter;
                theirs = 0;
            }
            else
            {
                mine = 0;
                theirs = other._entries[j++].Counter;
            }
            less |= mine < theirs;
            greater |= mine > theirs;
        }
        return (less, greater) switch
        {
            (false, false) => ClockOrder.Equal,
            (true, false) => ClockOrder.Before,
            (false, true) => ClockOrder.After,
            _ => ClockOrder.Concurrent,
        };
    }

    public bool Equals(VectorClock? other) => other is not null && Compare(other) == ClockOrder.Equal;

    public override bool Equals(object? obj) => Equals(obj as VectorClock);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach ((string n, long c) in _entries)
        {
            hash.Add(n);
            hash.Add(c);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(",", _entries.Select(e => $"{e.Node}:{e.Counter}")) + "]";
}
