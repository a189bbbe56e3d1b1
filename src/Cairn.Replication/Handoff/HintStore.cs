using Cairn.Primitives;

namespace Cairn.Replication.Handoff;

/// <summary>
/// Hints held for replicas that were down when a write was made, replayed when they return (Dynamo's hinted handoff).
/// Bounded twice: by total size (<see cref="MaxBytes"/>; a full store refuses new hints and counts them as dropped) and by
/// age (<see cref="WindowTicks"/>; older hints are dropped, anti-entropy repairs what they would have). Only the newest hint
/// per (target, key) is kept, since each carries the key's whole state. Thread safety: not thread safe.
/// </summary>
public sealed class HintStore
{
    private readonly Dictionary<string, Dictionary<byte[], Hint>> _byTarget = new(StringComparer.Ordinal);
    private readonly List<HintChange> _journal = [];

    public HintStore(long maxBytes, long windowTicks)
    {
        Invariant.Require(maxBytes > 0 && windowTicks > 0, "hint bounds must be positive");
        MaxBytes = maxBytes;
        WindowTicks = windowTicks;
    }

    public long MaxBytes { get; }

    public long WindowTicks { get; }

    public long SizeBytes { get; private set; }

    public int Count { get; private set; }

    public long Dropped { get; private set; }

    public long Stored { get; private set; }

    public IEnumerable<string> Targets => _byTarget.Keys;

    /// <summary>When on, every hint stored and removed is recorded for <see cref="TakeJournal"/> (the shell persists them).</summary>
    public bool Journaling { get; set; }

    /// <summary>Every hint held, in no particular order.</summary>
    public IEnumerable<Hint> All
    {
        get
        {
            foreach (var hints in _byTarget.Values)
            {
                foreach (Hint hint in hints.Values)
                {
                    yield return hint;
                }
            }
        }
    }

    /// <summary>The changes since the last call, in order (empty unless <see cref="Journaling"/>).</summary>
    public IReadOnlyList<HintChange> TakeJournal()
    {
        if (_journal.Count == 0)
        {
            return []; // the common case, once per loop step: no allocation
        }
        var changes = new List<HintChange>(_journal);
        _journal.Clear();
        return changes;
    }

    public int CountFor(string target) => _byTarget.TryGetValue(target, out var hints) ? hints.Count : 0;

    public bool Add(Hint hint)
    {
        if (!_byTarget.TryGetValue(hint.Target, out var hints))
        {
            hints = new Dictionary<byte[], Hint>(ByteArrayComparer.Instance);
            _byTarget[hint.Target] = hints;
        }
        if (hints.TryGetValue(hint.Key, out Hint? existing))
        {
            if (existing.Version.CompareNewness(hint.Version) >= 0)
            {
                return true;
            }
            RemoveOne(hints, existing);
        }
        if (SizeBytes + hint.SizeBytes > MaxBytes)
        {
            Dropped++;
            return false;
        }
        hints[hint.Key] = hint;
        SizeBytes += hint.SizeBytes;
        Count++;
        Stored++;
        if (Journaling)
        {
            _journal.Add(new HintChange(true, hint));
        }
        Invariant.Require(SizeBytes <= MaxBytes, "hint store over its bound");
        return true;
    }

    /// <summary>Up to <paramref name="max"/> hints for a target, oldest first; they stay until <see cref="Remove"/>.</summary>
    public List<Hint> Peek(string target, int max)
    {
        var result = new List<Hint>();
        if (_byTarget.TryGetValue(target, out var hints))
        {
            foreach (Hint hint in hints.Values.OrderBy(h => h.CreatedTick))
            {
                if (result.Count >= max)
                {
                    break;
                }
                result.Add(hint);
            }
        }
        return result;
    }

    /// <summary>Removes the hint for (target, key) if it is still the one with <paramref name="version"/> (a newer one stays).</summary>
    public void Remove(string target, byte[] key, Versioning.ValueVersion version)
    {
        if (_byTarget.TryGetValue(target, out var hints) && hints.TryGetValue(key, out Hint? hint)
            && hint.Version.CompareNewness(version) <= 0)
        {
            RemoveOne(hints, hint);
        }
    }

    /// <summary>Drops every hint (FLUSHALL: they would bring flushed keys back).</summary>
    public void Clear()
    {
        foreach (var hints in _byTarget.Values)
        {
            foreach (Hint hint in hints.Values.ToList())
            {
                RemoveOne(hints, hint);
            }
        }
    }

    /// <summary>Drops hints older than the window.</summary>
    public void Expire(long nowTick)
    {
        foreach (var hints in _byTarget.Values)
        {
            foreach (Hint hint in hints.Values.Where(h => nowTick - h.CreatedTick > WindowTicks).ToList())
            {
                RemoveOne(hints, hint);
                Dropped++;
            }
        }
    }

    private void RemoveOne(Dictionary<byte[], Hint> hints, Hint hint)
    {
        if (Journaling)
        {
            _journal.Add(new HintChange(false, hint));
        }
        hints.Remove(hint.Key);
        SizeBytes -= hint.SizeBytes;
        Count--;
        Invariant.Require(SizeBytes >= 0 && Count >= 0, "hint accounting");
    }
}
