using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Commands.Sets;
using Cairn.Engine.Memory.SortedSets;

namespace Cairn.Commands.SortedSets;

/// <summary>
/// ZRANGE and its older forms (ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX), ZRANGESTORE,
/// and ZREMRANGEBYRANK/SCORE/LEX. Every range is resolved to a span of ranks first (O(log n) on a skiplist), then walked.
/// </summary>
internal static class SortedSetRangeCommands
{
    private enum RangeKind
    {
        Auto,
        Rank,
        Score,
        Lex,
    }

    private enum Direction
    {
        Auto,
        Forward,
        Reverse,
    }

    [Command("ZRANGE")]
    public static void ZRange(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Auto, Direction.Auto);

    [Command("ZRANGESTORE")]
    public static void ZRangeStore(CommandContext ctx) => RangeGeneric(ctx, 2, store: true, RangeKind.Auto, Direction.Auto);

    [Command("ZREVRANGE")]
    public static void ZRevRange(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Rank, Direction.Reverse);

    [Command("ZRANGEBYSCORE")]
    public static void ZRangeByScore(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Score, Direction.Forward);

    [Command("ZREVRANGEBYSCORE")]
    public static void ZRevRangeByScore(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Score, Direction.Reverse);

    [Command("ZRANGEBYLEX")]
    public static void ZRangeByLex(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Lex, Direction.Forward);

    [Command("ZREVRANGEBYLEX")]
    public static void ZRevRangeByLex(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Lex, Direction.Reverse);

    [Command("ZREMRANGEBYRANK")]
    public static void ZRemRangeByRank(CommandContext ctx) => RemoveRangeGeneric(ctx, RangeKind.Rank);

    [Command("ZREMRANGEBYSCORE")]
    public static void ZRemRangeByScore(CommandContext ctx) => RemoveRangeGeneric(ctx, RangeKind.Score);

    [Command("ZREMRANGEBYLEX")]
    public static void ZRemRangeByLex(CommandContext ctx) => RemoveRangeGeneric(ctx, RangeKind.Lex);

    /// <summary>Redis's zrangeGenericCommand: options first, then the range, then the key.</summary>
    private static void RangeGeneric(CommandContext ctx, int keyIndex, bool store, RangeKind kind, Direction direction)
    {
        int minIndex = keyIndex + 1;
        int maxIndex = keyIndex + 2;
        bool withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = keyIndex + 3; j < ctx.ArgumentCount; j++)
        {
            int argumentsLeft = ctx.ArgumentCount - j - 1;
            if (!store && ctx.ArgIs(j, "WITHSCORES"u8))
            {
                withScores = true;
            }
            else if (ctx.ArgIs(j, "LIMIT"u8) && argumentsLeft >= 2)
            {
                if (!ctx.TryGetInt64(j + 1, out offset) || !ctx.TryGetInt64(j + 2, out limit))
                {
                    return;
                }
                j += 2;
            }
            else if (direction == Direction.Auto && ctx.ArgIs(j, "REV"u8))
            {
                direction = Direction.Reverse;
            }
            else if (kind == RangeKind.Auto && ctx.ArgIs(j, "BYLEX"u8))
            {
                kind = RangeKind.Lex;
            }
            else if (kind == RangeKind.Auto && ctx.ArgIs(j, "BYSCORE"u8))
            {
                kind = RangeKind.Score;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (direction == Direction.Auto)
        {
            direction = Direction.Forward;
        }
        if (kind == RangeKind.Auto)
        {
            kind = RangeKind.Rank;
        }
        // Redis tests the value, not the presence: "LIMIT 0 -1" passes with a rank range.
        if (limit != -1 && kind == RangeKind.Rank)
        {
            ctx.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && kind == RangeKind.Lex)
        {
            ctx.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        bool reverse = direction == Direction.Reverse;
        if (reverse && kind != RangeKind.Rank)
        {
            (minIndex, maxIndex) = (maxIndex, minIndex);
        }
        long start = 0;
        long end = 0;
        ScoreRange scoreRange = default;
        LexRange lexRange = default;
        switch (kind)
        {
            case RangeKind.Rank:
                if (!ctx.TryGetInt64(minIndex, out start) || !ctx.TryGetInt64(maxIndex, out end))
                {
                    return;
                }
                break;
            case RangeKind.Score:
                if (!RangeParser.TryParseScoreRange(ctx.Arg(minIndex), ctx.Arg(maxIndex), out scoreRange))
                {
                    ctx.Error(RangeParser.NotAFloat);
                    return;
                }
                break;
            default:
                if (!RangeParser.TryParseLexRange(ctx.Arg(minIndex), ctx.Arg(maxIndex), out lexRange))
                {
                    ctx.Error(RangeParser.NotAStringRange);
                    return;
                }
                break;
        }
        if (!SortedSetAccess.TryRead(ctx, ctx.Arg(keyIndex), out SortedSetObject? set))
        {
            return;
        }
        long first = 0;
        long count = 0;
        if (set is not null)
        {
            (first, count) = kind switch
            {
                RangeKind.Rank => ResolveRankRange(set.Length, start, end, reverse),
                RangeKind.Score => ResolveSpan(set.RankSpan(scoreRange), set.Length, offset, limit, reverse),
                _ => ResolveSpan(set.RankSpan(lexRange), set.Length, offset, limit, reverse),
            };
        }
        if (store)
        {
            var entries = new List<SortedSetEntry>((int)Math.Min(count, 1 << 16));
            for (SortedSetObject.Walker walker = count > 0 ? set!.Walk(first, reverse) : default; count > 0 && walker.MoveNext(); count--)
            {
                entries.Add(walker.Current);
            }
            SortedSetObject result = SortedSetObject.FromEntries(entries);
            DestinationWriter.Store(ctx, ctx.Arg(1), result, KeyspaceEvents.SortedSet, "zrangestore");
            ctx.Reply.WriteInteger(result.Length);
            return;
        }
        SortedSetAccess.WriteElementsHeader(ctx, count, withScores);
        if (count > 0)
        {
            WriteRange(ctx, set!, first, count, reverse, withScores);
        }
    }

    /// <summary>Writes <paramref name="count"/> elements from rank <paramref name="first"/> on, as one batch of bulk strings.</summary>
    private static void WriteRange(CommandContext ctx, SortedSetObject set, long first, long count, bool reverse, bool withScores)
    {
        var batch = new BulkStringBatch(ctx.Reply);
        for (SortedSetObject.Walker walker = set.Walk(first, reverse); count > 0 && walker.MoveNext(); count--)
        {
            SortedSetAccess.WriteElement(ref batch, walker.Current, withScores);
        }
        batch.Flush();
    }

    /// <summary>ZRANGE by index: negative indices count from the end; the result is (first rank walked, how many).</summary>
    private static (long First, long Count) ResolveRankRange(long length, long start, long end, bool reverse)
    {
        if (start < 0)
        {
            start = length + start;
        }
        if (end < 0)
        {
            end = length + end;
        }
        if (start < 0)
        {
            start = 0;
        }
        if (start > end || start >= length)
        {
            return (0, 0);
        }
        if (end >= length)
        {
            end = length - 1;
        }
        return (reverse ? length - 1 - start : start, end - start + 1);
    }

    /// <summary>
    /// A score or lex span [spanStart, spanEnd) with LIMIT applied as Redis walks it: a negative offset skips everything,
    /// a negative limit means no limit.
    /// </summary>
    private static (long First, long Count) ResolveSpan((long Start, long End) span, long length, long offset, long limit, bool reverse)
    {
        if (offset < 0 || (offset > 0 && offset >= length))
        {
            return (0, 0);
        }
        long available = span.End - span.Start - offset;
        if (available <= 0)
        {
            return (0, 0);
        }
        long count = limit < 0 ? available : Math.Min(available, limit);
        return (reverse ? span.End - 1 - offset : span.Start + offset, count);
    }

    /// <summary>Redis's zremrangeGenericCommand.</summary>
    private static void RemoveRangeGeneric(CommandContext ctx, RangeKind kind)
    {
        long start = 0;
        long end = 0;
        ScoreRange scoreRange = default;
        LexRange lexRange = default;
        string eventName;
        switch (kind)
        {
            case RangeKind.Rank:
                eventName = "zremrangebyrank";
                if (!ctx.TryGetInt64(2, out start) || !ctx.TryGetInt64(3, out end))
                {
                    return;
                }
                break;
            case RangeKind.Score:
                eventName = "zremrangebyscore";
                if (!RangeParser.TryParseScoreRange(ctx.Arg(2), ctx.Arg(3), out scoreRange))
                {
                    ctx.Error(RangeParser.NotAFloat);
                    return;
                }
                break;
            default:
                eventName = "zremrangebylex";
                if (!RangeParser.TryParseLexRange(ctx.Arg(2), ctx.Arg(3), out lexRange))
                {
                    ctx.Error(RangeParser.NotAStringRange);
                    return;
                }
                break;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!SortedSetAccess.TryWrite(ctx, key, out SortedSetObject? set))
        {
            return;
        }
        if (set is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        (long first, long count) = kind switch
        {
            RangeKind.Rank => ResolveRankRange(set.Length, start, end, reverse: false),
            RangeKind.Score => SpanToRange(set.RankSpan(scoreRange)),
            _ => SpanToRange(set.RankSpan(lexRange)),
        };
        if (count == 0)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long before = set.MemoryUsageBytes;
        long removed = set.RemoveRankRange(first, first + count - 1);
        bool keyRemoved = SortedSetAccess.FinishRemoval(ctx, key, set, before);
        ctx.Notify(KeyspaceEvents.SortedSet, eventName, key);
        if (keyRemoved)
        {
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
        }
        ctx.Modified(key);
        ctx.Reply.WriteInteger(removed);
    }

    private static (long First, long Count) SpanToRange((long Start, long End) span) => (span.Start, span.End - span.Start);
}
