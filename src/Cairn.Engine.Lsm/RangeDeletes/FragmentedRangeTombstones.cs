using Cairn.Engine.Lsm.Keys;

namespace Cairn.Engine.Lsm.RangeDeletes;

/// <summary>
/// Range tombstones cut into non-overlapping fragments (as RocksDB's FragmentedRangeTombstoneList), each with the sequence
/// numbers of the tombstones covering it, newest first, so "which tombstone covers this key, as of this snapshot" is a binary
/// search. Immutable, hence safe to share between threads.
/// Invariants: fragment starts strictly increase; fragment i ends at <c>_ends[i]</c> &lt;= start of fragment i+1; every
/// fragment's sequence list is non-empty and strictly decreasing.
/// </summary>
internal sealed class FragmentedRangeTombstones
{
    public static readonly FragmentedRangeTombstones Empty = new([], [], []);

    private readonly byte[][] _starts;
    private readonly byte[][] _ends;
    private readonly ulong[][] _sequences;

    private FragmentedRangeTombstones(byte[][] starts, byte[][] ends, ulong[][] sequences)
    {
        _starts = starts;
        _ends = ends;
        _sequences = sequences;
    }

    public bool IsEmpty => _starts.Length == 0;

    public int FragmentCount => _starts.Length;

    public static FragmentedRangeTombstones Build(List<RangeTombstone> tombstones)
    {
        if (tombstones.Count == 0)
        {
            return Empty;
        }
        var boundaries = new List<byte[]>(tombstones.Count * 2);
        foreach (RangeTombstone t in tombstones)
        {
            boundaries.Add(t.Start);
            boundaries.Add(t.End);
        }
        boundaries.Sort(UserKeyComparer.Instance);
        var unique = new List<byte[]>(boundaries.Count);
        foreach (byte[] b in boundaries)
        {
            if (unique.Count == 0 || unique[^1].AsSpan().SequenceCompareTo(b) != 0)
            {
                unique.Add(b);
            }
        }
        var byStart = new List<RangeTombstone>(tombstones);
        byStart.Sort((a, b) => a.Start.AsSpan().SequenceCompareTo(b.Start));
        var starts = new List<byte[]>();
        var ends = new List<byte[]>();
        var sequences = new List<ulong[]>();
        var active = new List<RangeTombstone>();
        int next = 0;
        for (int i = 0; i + 1 < unique.Count; i++)
        {
            byte[] lower = unique[i];
            byte[] upper = unique[i + 1];
            active.RemoveAll(t => t.End.AsSpan().SequenceCompareTo(lower) <= 0);
            while (next < byStart.Count && byStart[next].Start.AsSpan().SequenceCompareTo(lower) <= 0)
            {
                active.Add(byStart[next++]);
            }
            if (active.Count == 0)
            {
                continue;
            }
            var seqs = new List<ulong>(active.Count);
            foreach (RangeTombstone t in active)
            {
                seqs.Add(t.Sequence);
            }
            seqs.Sort((a, b) => b.CompareTo(a));
            var distinct = new List<ulong>(seqs.Count);
            foreach (ulong s in seqs)
            {
                if (distinct.Count == 0 || distinct[^1] != s)
                {
                    distinct.Add(s);
                }
            }
            starts.Add(lower);
            ends.Add(upper);
            sequences.Add([.. distinct]);
        }
        return new FragmentedRangeTombstones([.. starts], [.. ends], [.. sequences]);
    }

    /// <summary>The newest sequence &lt;= <paramref name="maxSequence"/> of a tombstone covering <paramref name="userKey"/>, or 0.</summary>
    public ulong MaxCoveringSequence(ReadOnlySpan<byte> userKey, ulong maxSequence)
    {
        int index = FindFragment(userKey);
        if (index < 0)
        {
            return 0;
        }
        foreach (ulong sequence in _sequences[index])
        {
            if (sequence <= maxSequence)
            {
                return sequence;
            }
        }
        return 0;
    }

    /// <summary>Index of the fragment containing <paramref name="userKey"/>, or -1.</summary>
    public int FindFragment(ReadOnlySpan<byte> userKey)
    {
        int low = 0;
        int high = _starts.Length - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            if (_starts[middle].AsSpan().SequenceCompareTo(userKey) <= 0)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found >= 0 && userKey.SequenceCompareTo(_ends[found]) < 0 ? found : -1;
    }

    public byte[] FragmentStart(int index) => _starts[index];

    public byte[] FragmentEnd(int index) => _ends[index];

    public ulong[] FragmentSequences(int index) => _sequences[index];

    /// <summary>The fragments back as tombstones (one per fragment and sequence), for writing to a table.</summary>
    public List<RangeTombstone> ToTombstones()
    {
        var result = new List<RangeTombstone>();
        for (int i = 0; i < _starts.Length; i++)
        {
            foreach (ulong sequence in _sequences[i])
            {
                result.Add(new RangeTombstone(_starts[i], _ends[i], sequence));
            }
        }
        return result;
    }
}
