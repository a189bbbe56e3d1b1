using Cairn.Commands.Execution;
using Cairn.Commands.Sets;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.SortedSets;

/// <summary>ZRANDMEMBER and ZSCAN.</summary>
internal static class SortedSetRandomCommands
{
    // Past this share of the set, distinct samples come from removing random elements from a copy (ZRANDMEMBER_SUB_STRATEGY_MUL).
    private const int SampleSubtractStrategyFactor = 3;

    [Command("ZRANDMEMBER")]
    public static void ZRandMember(CommandContext ctx)
    {
        if (ctx.ArgumentCount >= 3)
        {
            if (!ctx.TryGetInt64(2, out long requested))
            {
                return;
            }
            bool withScores = false;
            if (ctx.ArgumentCount > 4 || (ctx.ArgumentCount == 4 && !ctx.ArgIs(3, "WITHSCORES"u8)))
            {
                ctx.SyntaxError();
                return;
            }
            if (ctx.ArgumentCount == 4)
            {
                withScores = true;
                if (requested < long.MinValue / 2 || requested > long.MaxValue / 2)
                {
                    ctx.Error("ERR value is out of range");
                    return;
                }
            }
            RandomWithCount(ctx, requested, withScores);
            return;
        }
        if (!SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            return;
        }
        if (set is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteBulkString(set.RandomElement(ctx.Server.Random).Member);
    }

    [Command("ZSCAN")]
    public static void ZScan(CommandContext ctx)
    {
        if (!ScanArguments.TryParseCursor(ctx, out long cursor))
        {
            return;
        }
        if (!SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            return;
        }
        if (set is null)
        {
            ScanArguments.WriteEmpty(ctx);
            return;
        }
        if (!ScanArguments.TryParseOptions(ctx, cursor, out ScanArguments arguments))
        {
            return;
        }
        var found = new List<SortedSetEntry>();
        long next = set.Scan(arguments.Cursor, arguments.Count, found);
        if (arguments.Pattern is { } pattern)
        {
            found.RemoveAll(entry => !GlobPattern.IsMatch(pattern, entry.Member));
        }
        ScanArguments.WriteCursor(ctx, next);
        ctx.Reply.WriteArrayHeader(found.Count * 2);
        Span<byte> score = stackalloc byte[32];
        foreach (SortedSetEntry entry in found)
        {
            ctx.Reply.WriteBulkString(entry.Member);
            ctx.Reply.WriteBulkString(score[..NumberFormat.FormatDouble(entry.Score, score)]);
        }
    }

    private static void RandomWithCount(CommandContext ctx, long requested, bool withScores)
    {
        if (requested == long.MinValue)
        {
            ctx.Error("ERR value is out of range, must be between -9223372036854775807 and 9223372036854775807");
            return;
        }
        if (!SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            return;
        }
        if (set is null || requested == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        IRandomSource random = ctx.Server.Random;
        if (requested < 0 || requested == 1)
        {
            // Negative: that many draws with repetition (and a count of one is a single draw).
            long draws = requested < 0 ? -requested : 1;
            SortedSetAccess.WriteElementsHeader(ctx, draws, withScores);
            for (long i = 0; i < draws; i++)
            {
                SortedSetAccess.WriteElement(ctx, set.RandomElement(random), withScores);
            }
            return;
        }
        long size = set.Length;
        if (requested >= size)
        {
            // The whole set, in the order Redis's zset iterator walks it: from the highest element down.
            SortedSetAccess.WriteElementsHeader(ctx, size, withScores);
            var batch = new BulkStringBatch(ctx.Reply);
            for (SortedSetObject.Walker walker = set.Walk(size - 1, reverse: true); walker.MoveNext();)
            {
                SortedSetAccess.WriteElement(ref batch, walker.Current, withScores);
            }
            batch.Flush();
            return;
        }
        int count = (int)requested;
        SortedSetAccess.WriteElementsHeader(ctx, count, withScores);
        if (count * SampleSubtractStrategyFactor > size)
        {
            var elements = new List<SortedSetEntry>((int)size);
            for (SortedSetObject.Walker walker = set.Walk(0, reverse: false); walker.MoveNext();)
            {
                elements.Add(walker.Current);
            }
            while (elements.Count > count)
            {
                int victim = random.NextInt(elements.Count);
                elements[victim] = elements[^1];
                elements.RemoveAt(elements.Count - 1);
            }
            foreach (SortedSetEntry element in elements)
            {
                SortedSetAccess.WriteElement(ctx, element, withScores);
            }
            return;
        }
        var chosen = new HashSet<byte[]>(count, ByteArrayComparer.Instance);
        while (chosen.Count < count)
        {
            SortedSetEntry element = set.RandomElement(random);
            if (chosen.Add(element.Member))
            {
                SortedSetAccess.WriteElement(ctx, element, withScores);
            }
        }
    }
}
