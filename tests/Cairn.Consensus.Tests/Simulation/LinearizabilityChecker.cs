namespace Cairn.Consensus.Tests.Simulation;

/// <summary>
/// Decides whether a history of reads and writes on one register is linearizable: Wing and Gong's search, with Lowe's
/// just-in-time linearization and memoization of (set of linearized operations, register value) as Porcupine does it.
/// Registers compose (Herlihy and Wing's locality), so a multi-key history is checked key by key.
/// </summary>
/// <remarks>
/// Events are sorted by time with invocations before returns at equal times (treating touching operations as concurrent, the
/// permissive choice: no false alarms from equal timestamps). The search is bounded by a step budget.
/// </remarks>
public static class LinearizabilityChecker
{
    public static LinearizabilityResult CheckAll(IEnumerable<HistoryOperation> history, out string? failingKey, long stepBudget = 5_000_000)
    {
        failingKey = null;
        var result = LinearizabilityResult.Linearizable;
        foreach (var group in history.GroupBy(o => o.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var keyResult = Check(group.ToList(), stepBudget);
            if (keyResult == LinearizabilityResult.NotLinearizable)
            {
                failingKey = group.Key;
                return keyResult;
            }
            if (keyResult == LinearizabilityResult.Inconclusive)
            {
                result = keyResult;
            }
        }
        return result;
    }

    public static LinearizabilityResult Check(IReadOnlyList<HistoryOperation> history, long stepBudget = 5_000_000)
    {
        // A write with unknown outcome whose value no read observed can always be linearized last, where it changes nothing;
        // dropping it gives an equivalent problem with a much smaller search (such writes pile up under partitions).
        var observed = history.Where(o => !o.IsWrite && o.Value is not null).Select(o => o.Value!).ToHashSet(StringComparer.Ordinal);
        var operations = history.Where(o => !o.IsWrite || o.ReturnMicros != long.MaxValue || observed.Contains(o.Value!)).ToList();
        int count = operations.Count;
        if (count == 0)
        {
            return LinearizabilityResult.Linearizable;
        }
        // Values become small integers so the cache key is cheap; -1 is "absent".
        var valueIds = new Dictionary<string, int>(StringComparer.Ordinal);
        int ValueId(string? value) =>
            value is null ? -1 : valueIds.TryGetValue(value, out int id) ? id : valueIds[value] = valueIds.Count;

        var events = new List<Node>(count * 2);
        for (int i = 0; i < count; i++)
        {
            var op = operations[i];
            var call = new Node { Operation = i, IsCall = true, Time = op.InvokeMicros, IsWrite = op.IsWrite, ValueId = ValueId(op.Value) };
            var ret = new Node { Operation = i, IsCall = false, Time = op.ReturnMicros };
            call.Match = ret;
            events.Add(call);
            events.Add(ret);
        }
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.IsCall == b.IsCall ? a.Operation.CompareTo(b.Operation) : a.IsCall ? -1 : 1);
        var head = new Node { Operation = -1 };
        var previous = head;
        foreach (var node in events)
        {
            previous.Next = node;
            node.Previous = previous;
            previous = node;
        }

        var linearized = new ulong[(count + 63) / 64];
        var cache = new HashSet<CacheKey>();
        var stack = new Stack<(Node Call, int State)>();
        int state = -1;
        var entry = head.Next;
        long steps = 0;
        while (head.Next is not null)
        {
            if (++steps > stepBudget)
            {
                return LinearizabilityResult.Inconclusive;
            }
            if (entry is null)
            {
                // Cannot happen: a return event always ends the scan of a non-empty list.
                return LinearizabilityResult.NotLinearizable;
            }
            if (entry.IsCall)
            {
                // A read must see the current value; a write always succeeds and sets it.
                bool legal = entry.IsWrite || entry.ValueId == state;
                if (legal)
                {
                    int newState = entry.IsWrite ? entry.ValueId : state;
                    linearized[entry.Operation / 64] |= 1UL << (entry.Operation % 64);
                    if (cache.Add(new CacheKey(linearized, newState)))
                    {
                        stack.Push((entry, state));
                        state = newState;
                        Lift(entry);
                        entry = head.Next;
                        continue;
                    }
                    linearized[entry.Operation / 64] &= ~(1UL << (entry.Operation % 64));
                }
                entry = entry.Next;
            }
            else
            {
                if (stack.Count == 0)
                {
                    return LinearizabilityResult.NotLinearizable;
                }
                var (call, previousState) = stack.Pop();
                state = previousState;
                linearized[call.Operation / 64] &= ~(1UL << (call.Operation % 64));
                Unlift(call);
                entry = call.Next;
            }
        }
        return LinearizabilityResult.Linearizable;
    }

    private static void Lift(Node call)
    {
        call.Previous!.Next = call.Next;
        if (call.Next is not null)
        {
            call.Next.Previous = call.Previous;
        }
        var ret = call.Match!;
        ret.Previous!.Next = ret.Next;
        if (ret.Next is not null)
        {
            ret.Next.Previous = ret.Previous;
        }
    }

    private static void Unlift(Node call)
    {
        var ret = call.Match!;
        ret.Previous!.Next = ret;
        if (ret.Next is not null)
        {
            ret.Next.Previous = ret;
        }
        call.Previous!.Next = call;
        if (call.Next is not null)
        {
            call.Next.Previous = call;
        }
    }

    private sealed class Node
    {
        public int Operation;
        public bool IsCall;
        public long Time;
        public bool IsWrite;
        public int ValueId;
        public Node? Match;
        public Node? Next;
        public Node? Previous;
    }

    private sealed class CacheKey : IEquatable<CacheKey>
    {
        private readonly ulong[] _linearized;
        private readonly int _state;
        private readonly int _hash;

        public CacheKey(ulong[] linearized, int state)
        {
            _linearized = (ulong[])linearized.Clone();
            _state = state;
            var hash = new HashCode();
            hash.Add(state);
            foreach (ulong word in _linearized)
            {
                hash.Add(word);
            }
            _hash = hash.ToHashCode();
        }

        public bool Equals(CacheKey? other) =>
            other is not null && other._state == _state && other._linearized.AsSpan().SequenceEqual(_linearized);

        public override bool Equals(object? obj) => Equals(obj as CacheKey);

        public override int GetHashCode() => _hash;
    }
}
