using Cairn.Primitives;
using Cairn.TimeSeries.Query;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Index;

/// <summary>
/// The secondary index label name -> label value -> keys, plus each indexed key's labels so that matchers are checked
/// without touching the keyspace. Maintained on create, alter (labels replaced), delete and rename.
/// Invariant: a key is in the posting set of (n, v) exactly when its indexed labels contain (n, v).
/// Not thread-safe.
/// </summary>
public sealed class LabelIndex
{
    private readonly Dictionary<string, Dictionary<string, HashSet<byte[]>>> _postings = new(StringComparer.Ordinal);
    private readonly Dictionary<byte[], IReadOnlyList<Label>> _labelsByKey = new(ByteArrayComparer.Instance);

    public int Count => _labelsByKey.Count;

    public void Add(byte[] key, IReadOnlyList<Label> labels)
    {
        Remove(key);
        _labelsByKey[key] = labels;
        foreach (Label label in labels)
        {
            if (!_postings.TryGetValue(label.Name, out var byValue))
            {
                byValue = new Dictionary<string, HashSet<byte[]>>(StringComparer.Ordinal);
                _postings[label.Name] = byValue;
            }
            if (!byValue.TryGetValue(label.Value, out var keys))
            {
                keys = new HashSet<byte[]>(ByteArrayComparer.Instance);
                byValue[label.Value] = keys;
            }
            keys.Add(key);
        }
    }

    public bool Remove(byte[] key)
    {
        if (!_labelsByKey.Remove(key, out var labels))
        {
            return false;
        }
        foreach (Label label in labels)
        {
            if (_postings.TryGetValue(label.Name, out var byValue) && byValue.TryGetValue(label.Value, out var keys))
            {
                keys.Remove(key);
                if (keys.Count == 0)
                {
                    byValue.Remove(label.Value);
                    if (byValue.Count == 0)
                    {
                        _postings.Remove(label.Name);
                    }
                }
            }
        }
        return true;
    }

    public void Rename(byte[] oldKey, byte[] newKey)
    {
        if (_labelsByKey.TryGetValue(oldKey, out var labels))
        {
            Remove(oldKey);
            Add(newKey, labels);
        }
    }

    /// <summary>
    /// Keys matching every matcher, sorted bytewise (the order TS.QUERYINDEX and TS.MRANGE reply in).
    /// REQUIRES at least one positive matcher (the argument parser enforces it).
    /// </summary>
    public List<byte[]> Query(IReadOnlyList<LabelMatcher> matchers)
    {
        HashSet<byte[]>? smallest = null;
        LabelMatcher? seed = null;
        foreach (LabelMatcher matcher in matchers)
        {
            if (!matcher.IsPositive)
            {
                continue;
            }
            HashSet<byte[]> candidates = Candidates(matcher);
            if (smallest is null || candidates.Count < smallest.Count)
            {
                smallest = candidates;
                seed = matcher;
            }
        }
        Invariant.Require(seed is not null, "a label query needs a positive matcher");
        var result = new List<byte[]>();
        foreach (byte[] key in smallest!)
        {
            IReadOnlyList<Label> labels = _labelsByKey[key];
            bool all = true;
            foreach (LabelMatcher matcher in matchers)
            {
                if (!matcher.Matches(labels))
                {
                    all = false;
                    break;
                }
            }
            if (all)
            {
                result.Add(key);
            }
        }
        result.Sort(static (left, right) => left.AsSpan().SequenceCompareTo(right));
        return result;
    }

    private HashSet<byte[]> Candidates(LabelMatcher matcher)
    {
        var union = new HashSet<byte[]>(ByteArrayComparer.Instance);
        if (_postings.TryGetValue(matcher.Name, out var byValue))
        {
            foreach (string value in matcher.Values)
            {
                if (byValue.TryGetValue(value, out var keys))
                {
                    union.UnionWith(keys);
                }
            }
        }
        return union;
    }
}
