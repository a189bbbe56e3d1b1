using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Commands.Sets;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Sets;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.SortedSets;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis's zunionInterDiffGenericCommand). Plain sets are
/// accepted as inputs with every score 1. Results are ordered by (score, member).
/// </summary>
internal static class SortedSetAlgebraCommands
{
    private enum Operation
    {
        Union,
        Intersection,
        Difference,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    [Command("ZUNIONSTORE")]
    public static void ZUnionStore(CommandContext ctx) => Generic(ctx, store: true, 2, Operation.Union, cardinalityOnly: false);

    [Command("ZINTERSTORE")]
    public static void ZInterStore(CommandContext ctx) => Generic(ctx, store: true, 2, Operation.Intersection, cardinalityOnly: false);

    [Command("ZDIFFSTORE")]
    public static void ZDiffStore(CommandContext ctx) => Generic(ctx, store: true, 2, Operation.Difference, cardinalityOnly: false);

    [Command("ZUNION")]
    public static void ZUnion(CommandContext ctx) => Generic(ctx, store: false, 1, Operation.Union, cardinalityOnly: false);

    [Command("ZINTER")]
    public static void ZInter(CommandContext ctx) => Generic(ctx, store: false, 1, Operation.Intersection, cardinalityOnly: false);

    [Command("ZINTERCARD")]
    public static void ZInterCard(CommandContext ctx) => Generic(ctx, store: false, 1, Operation.Intersection, cardinalityOnly: true);

    [Command("ZDIFF")]
    public static void ZDiff(CommandContext ctx) => Generic(ctx, store: false, 1, Operation.Difference, cardinalityOnly: false);

    private static void Generic(CommandContext ctx, bool store, int numKeysIndex, Operation operation, bool cardinalityOnly)
    {
        if (!ctx.TryGetInt64(numKeysIndex, out long keyCount))
        {
            return;
        }
        if (keyCount < 1)
        {
            ctx.Error($"ERR at least 1 input key is needed for '{ctx.Spec.FullName}' command");
            return;
        }
        if (keyCount > ctx.ArgumentCount - (numKeysIndex + 1))
        {
            ctx.SyntaxError();
            return;
        }
        int sourceCount = (int)keyCount;
        var sources = new Source[sourceCount];
        Database db = ctx.Database;
        for (int i = 0; i < sourceCount; i++)
        {
            int slot = ctx.LookupRead(ctx.Arg(numKeysIndex + 1 + i));
            object? value = slot < 0 ? null : db.EntryAt(slot).Value;
            if (value is not null and not SortedSetObject and not SetObject)
            {
                ctx.WrongType();
                return;
            }
            sources[i] = new Source(value, 1.0);
        }
        var aggregate = Aggregate.Sum;
        bool withScores = false;
        long limit = 0;
        int j = numKeysIndex + 1 + sourceCount;
        while (j < ctx.ArgumentCount)
        {
            int remaining = ctx.ArgumentCount - j;
            if (operation != Operation.Difference && !cardinalityOnly && remaining >= sourceCount + 1 && ctx.ArgIs(j, "WEIGHTS"u8))
            {
                j++;
                for (int i = 0; i < sourceCount; i++, j++)
                {
                    if (!NumberFormat.TryParseDouble(ctx.Arg(j), out double weight))
                    {
                        ctx.Error("ERR weight value is not a float");
                        return;
                    }
                    sources[i] = sources[i] with { Weight = weight };
                }
            }
            else if (operation != Operation.Difference && !cardinalityOnly && remaining >= 2 && ctx.ArgIs(j, "AGGREGATE"u8))
            {
                j++;
                if (ctx.ArgIs(j, "SUM"u8))
                {
                    aggregate = Aggregate.Sum;
                }
                else if (ctx.ArgIs(j, "MIN"u8))
                {
                    aggregate = Aggregate.Min;
                }
                else if (ctx.ArgIs(j, "MAX"u8))
                {
                    aggregate = Aggregate.Max;
                }
                else
                {
                    ctx.SyntaxError();
                    return;
                }
                j++;
            }
            else if (!store && !cardinalityOnly && ctx.ArgIs(j, "WITHSCORES"u8))
            {
                j++;
                withScores = true;
            }
            else if (cardinalityOnly && remaining >= 2 && ctx.ArgIs(j, "LIMIT"u8))
            {
                j++;
                if (!NumberFormat.TryParseInt64(ctx.Arg(j), out limit) || limit < 0)
                {
                    ctx.Error("ERR LIMIT can't be negative");
                    return;
                }
                j++;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (operation != Operation.Difference)
        {
            // Smallest first, as Redis's qsort by cardinality (stable here).
            var ordered = new List<Source>(sources);
            var sorted = new Source[sourceCount];
            for (int i = 0; i < sourceCount; i++)
            {
                Source source = ordered[i];
                int k = i;
                while (k > 0 && sorted[k - 1].Length > source.Length)
                {
                    sorted[k] = sorted[k - 1];
                    k--;
                }
                sorted[k] = source;
            }
            sources = sorted;
        }
        if (cardinalityOnly)
        {
            ctx.Reply.WriteInteger(Intersect(sources, aggregate, limit == 0 ? long.MaxValue : limit, countOnly: true).Count);
            return;
        }
        List<SortedSetEntry> result = operation switch
        {
            Operation.Union => Union(sources, aggregate),
            Operation.Intersection => Intersect(sources, aggregate, long.MaxValue, countOnly: false),
            _ => Difference(sources),
        };
        if (store)
        {
            SortedSetObject stored = SortedSetObject.FromEntries(result);
            string eventName = operation switch
            {
                Operation.Union => "zunionstore",
                Operation.Intersection => "zinterstore",
                _ => "zdiffstore",
            };
            DestinationWriter.Store(ctx, ctx.Arg(1), stored, KeyspaceEvents.SortedSet, eventName);
            ctx.Reply.WriteInteger(stored.Length);
            return;
        }
        result.Sort(static (a, b) => SortedSetEntry.Compare(a.Score, a.Member, b.Score, b.Member));
        SortedSetAccess.WriteElementsHeader(ctx, result.Count, withScores);
        var batch = new BulkStringBatch(ctx.Reply);
        foreach (SortedSetEntry entry in result)
        {
            SortedSetAccess.WriteElement(ref batch, entry, withScores);
        }
        batch.Flush();
    }

    private static List<SortedSetEntry> Intersect(Source[] sources, Aggregate aggregate, long limit, bool countOnly)
    {
        var result = new List<SortedSetEntry>();
        Source first = sources[0];
        if (first.Length == 0)
        {
            return result;
        }
        foreach (SortedSetEntry element in first.Elements())
        {
            double score = first.Weight * element.Score;
            if (double.IsNaN(score))
            {
                score = 0;
            }
            bool inAll = true;
            for (int j = 1; j < sources.Length && inAll; j++)
            {
                Source other = sources[j];
                if (ReferenceEquals(other.Value, first.Value))
                {
                    score = Combine(score, element.Score * other.Weight, aggregate);
                }
                else if (other.TryGetScore(element.Member, out double value))
                {
                    score = Combine(score, value * other.Weight, aggregate);
                }
                else
                {
                    inAll = false;
                }
            }
            if (inAll)
            {
                result.Add(countOnly ? default : new SortedSetEntry(element.Member, score));
                if (result.Count >= limit)
                {
                    break;
                }
            }
        }
        return result;
    }

    private static List<SortedSetEntry> Union(Source[] sources, Aggregate aggregate)
    {
        var accumulator = new Dictionary<byte[], double>(ByteArrayComparer.Instance);
        foreach (Source source in sources)
        {
            if (source.Length == 0)
            {
                continue;
            }
            foreach (SortedSetEntry element in source.Elements())
            {
                double score = source.Weight * element.Score;
                if (double.IsNaN(score))
                {
                    score = 0;
                }
                if (accumulator.TryGetValue(element.Member, out double existing))
                {
                    accumulator[element.Member] = Combine(existing, score, aggregate);
                }
                else
                {
                    accumulator.Add(element.Member, score);
                }
            }
        }
        var result = new List<SortedSetEntry>(accumulator.Count);
        foreach (KeyValuePair<byte[], double> pair in accumulator)
        {
            result.Add(new SortedSetEntry(pair.Key, pair.Value));
        }
        return result;
    }

    private static List<SortedSetEntry> Difference(Source[] sources)
    {
        var result = new List<SortedSetEntry>();
        Source first = sources[0];
        if (first.Length == 0)
        {
            return result;
        }
        foreach (SortedSetEntry element in first.Elements())
        {
            bool elsewhere = false;
            for (int j = 1; j < sources.Length && !elsewhere; j++)
            {
                elsewhere = sources[j].Value is not null
                    && (ReferenceEquals(sources[j].Value, first.Value) || sources[j].TryGetScore(element.Member, out _));
            }
            if (!elsewhere)
            {
                result.Add(element);
            }
        }
        return result;
    }

    /// <summary>Redis's zunionInterAggregate: a sum of +inf and -inf is 0, not NaN.</summary>
    private static double Combine(double target, double value, Aggregate aggregate)
    {
        switch (aggregate)
        {
            case Aggregate.Sum:
                target += value;
                return double.IsNaN(target) ? 0 : target;
            case Aggregate.Min:
                return value < target ? value : target;
            default:
                return value > target ? value : target;
        }
    }

    /// <summary>An input: a sorted set, a plain set (scores 1) or a missing key (empty), with its weight.</summary>
    private readonly record struct Source(object? Value, double Weight)
    {
        public long Length => Value switch
        {
            SortedSetObject sorted => sorted.Length,
            SetObject set => set.Count,
            _ => 0,
        };

        public bool TryGetScore(byte[] member, out double score)
        {
            score = 1.0;
            return Value switch
            {
                SortedSetObject sorted => sorted.TryGetScore(member, out score),
                SetObject set => set.Contains(member),
                _ => false,
            };
        }

        public List<SortedSetEntry> Elements()
        {
            var elements = new List<SortedSetEntry>((int)Length);
            if (Value is SortedSetObject sorted)
            {
                for (SortedSetObject.Walker walker = sorted.Walk(0, reverse: false); walker.MoveNext();)
                {
                    elements.Add(walker.Current);
                }
            }
            else if (Value is SetObject set)
            {
                foreach (ReadOnlySpan<byte> member in set)
                {
                    elements.Add(new SortedSetEntry(member.ToArray(), 1.0));
                }
            }
            return elements;
        }
    }
}
