using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.SortedSets;

/// <summary>ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT.</summary>
internal static class SortedSetCommands
{
    [Command("ZADD")]
    public static void ZAdd(CommandContext ctx) => AddGeneric(ctx, ZAddFlags.None);

    [Command("ZINCRBY")]
    public static void ZIncrBy(CommandContext ctx) => AddGeneric(ctx, ZAddFlags.Incr);

    [Command("ZREM")]
    public static void ZRem(CommandContext ctx)
    {
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
        long before = set.MemoryUsageBytes;
        long removed = 0;
        for (int i = 2; i < ctx.ArgumentCount && set.Length > 0; i++)
        {
            if (set.Remove(ctx.Arg(i)))
            {
                removed++;
            }
        }
        bool keyRemoved = SortedSetAccess.FinishRemoval(ctx, key, set, before);
        if (removed > 0)
        {
            ctx.Notify(KeyspaceEvents.SortedSet, "zrem", key);
            if (keyRemoved)
            {
                ctx.Notify(KeyspaceEvents.Generic, "del", key);
            }
            ctx.Modified(key);
        }
        ctx.Reply.WriteInteger(removed);
    }

    [Command("ZCARD")]
    public static void ZCard(CommandContext ctx)
    {
        if (SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            ctx.Reply.WriteInteger(set?.Length ?? 0);
        }
    }

    [Command("ZSCORE")]
    public static void ZScore(CommandContext ctx)
    {
        if (!SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            return;
        }
        if (set is not null && set.TryGetScore(ctx.Arg(2), out double score))
        {
            ctx.Reply.WriteDouble(score);
        }
        else
        {
            ctx.Reply.WriteNull();
        }
    }

    [Command("ZMSCORE")]
    public static void ZMScore(CommandContext ctx)
    {
        if (!SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            return;
        }
        ctx.Reply.WriteArrayHeader(ctx.ArgumentCount - 2);
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            if (set is not null && set.TryGetScore(ctx.Arg(i), out double score))
            {
                ctx.Reply.WriteDouble(score);
            }
            else
            {
                ctx.Reply.WriteNull();
            }
        }
    }

    [Command("ZRANK")]
    public static void ZRank(CommandContext ctx) => RankGeneric(ctx, reverse: false);

    [Command("ZREVRANK")]
    public static void ZRevRank(CommandContext ctx) => RankGeneric(ctx, reverse: true);

    [Command("ZCOUNT")]
    public static void ZCount(CommandContext ctx)
    {
        if (!RangeParser.TryParseScoreRange(ctx.Arg(2), ctx.Arg(3), out ScoreRange range))
        {
            ctx.Error(RangeParser.NotAFloat);
            return;
        }
        if (SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            (long start, long end) = set is null ? (0, 0) : set.RankSpan(range);
            ctx.Reply.WriteInteger(end - start);
        }
    }

    [Command("ZLEXCOUNT")]
    public static void ZLexCount(CommandContext ctx)
    {
        if (!RangeParser.TryParseLexRange(ctx.Arg(2), ctx.Arg(3), out LexRange range))
        {
            ctx.Error(RangeParser.NotAStringRange);
            return;
        }
        if (SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            (long start, long end) = set is null ? (0, 0) : set.RankSpan(range);
            ctx.Reply.WriteInteger(end - start);
        }
    }

    /// <summary>Redis's zaddGenericCommand: options, then score/member pairs, all validated before any change.</summary>
    private static void AddGeneric(CommandContext ctx, ZAddFlags flags)
    {
        bool changed = false;
        int scoreIndex = 2;
        for (; scoreIndex < ctx.ArgumentCount; scoreIndex++)
        {
            // Every option is 2-4 letters; a score (digits, sign, '.', "inf") is decided without six keyword compares.
            ReadOnlySpan<byte> option = ctx.Arg(scoreIndex);
            if (option.Length is < 2 or > 4 || !char.IsAsciiLetter((char)option[0]))
            {
                break;
            }
            if (ctx.ArgIs(scoreIndex, "NX"u8))
            {
                flags |= ZAddFlags.Nx;
            }
            else if (ctx.ArgIs(scoreIndex, "XX"u8))
            {
                flags |= ZAddFlags.Xx;
            }
            else if (ctx.ArgIs(scoreIndex, "CH"u8))
            {
                changed = true;
            }
            else if (ctx.ArgIs(scoreIndex, "INCR"u8))
            {
                flags |= ZAddFlags.Incr;
            }
            else if (ctx.ArgIs(scoreIndex, "GT"u8))
            {
                flags |= ZAddFlags.Gt;
            }
            else if (ctx.ArgIs(scoreIndex, "LT"u8))
            {
                flags |= ZAddFlags.Lt;
            }
            else
            {
                break;
            }
        }
        bool increment = (flags & ZAddFlags.Incr) != 0;
        bool nx = (flags & ZAddFlags.Nx) != 0;
        bool xx = (flags & ZAddFlags.Xx) != 0;
        bool gt = (flags & ZAddFlags.Gt) != 0;
        bool lt = (flags & ZAddFlags.Lt) != 0;
        int elements = ctx.ArgumentCount - scoreIndex;
        if (elements == 0 || elements % 2 != 0)
        {
            ctx.SyntaxError();
            return;
        }
        elements /= 2;
        if (nx && xx)
        {
            ctx.Error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            ctx.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (increment && elements > 1)
        {
            ctx.Error("ERR INCR option supports a single increment-element pair");
            return;
        }
        // Scores are parsed before any change (an error leaves the set untouched); the common one-pair ZADD needs no array.
        Span<double> scores = elements <= 64 ? stackalloc double[elements] : new double[elements];
        for (int j = 0; j < elements; j++)
        {
            if (!ctx.TryGetDouble(scoreIndex + j * 2, out scores[j]))
            {
                return;
            }
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!SortedSetAccess.TryWrite(ctx, key, out SortedSetObject? set))
        {
            return;
        }
        long added = 0;
        long updated = 0;
        long processed = 0;
        double score = 0;
        bool isNew = set is null;
        if (set is null && xx)
        {
            WriteAddReply(ctx, increment, changed, processed, score, added, updated);
            return;
        }
        set ??= SortedSetObject.CreateFor(ctx.Arg(scoreIndex + 1));
        long before = set.MemoryUsageBytes;
        bool notANumber = false;
        for (int j = 0; j < elements; j++)
        {
            ZAddResult result = set.Add(scores[j], ctx.Arg(scoreIndex + 1 + j * 2), flags, out double newScore);
            if (result == ZAddResult.NotANumber)
            {
                notANumber = true;
                break;
            }
            added += result == ZAddResult.Added ? 1 : 0;
            updated += result == ZAddResult.Updated ? 1 : 0;
            processed += result == ZAddResult.Skipped ? 0 : 1;
            score = newScore;
        }
        if (isNew)
        {
            if (set.Length > 0)
            {
                ctx.Database.Add(ctx.ArgBytes(1), set, 0);
            }
        }
        else
        {
            ctx.Store.AdjustMemory(set.MemoryUsageBytes - before);
        }
        if (notANumber)
        {
            ctx.Error("ERR resulting score is not a number (NaN)");
        }
        else
        {
            WriteAddReply(ctx, increment, changed, processed, score, added, updated);
        }
        if (added + updated > 0)
        {
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.SortedSet, increment ? "zincr" : "zadd", key);
        }
    }

    private static void WriteAddReply(CommandContext ctx, bool increment, bool changed, long processed, double score, long added, long updated)
    {
        if (increment)
        {
            if (processed > 0)
            {
                ctx.Reply.WriteDouble(score);
            }
            else
            {
                ctx.Reply.WriteNull();
            }
            return;
        }
        ctx.Reply.WriteInteger(changed ? added + updated : added);
    }

    private static void RankGeneric(CommandContext ctx, bool reverse)
    {
        bool withScore = false;
        if (ctx.ArgumentCount > 4)
        {
            ctx.SyntaxError();
            return;
        }
        if (ctx.ArgumentCount == 4)
        {
            if (!ctx.ArgIs(3, "WITHSCORE"u8))
            {
                ctx.SyntaxError();
                return;
            }
            withScore = true;
        }
        if (!SortedSetAccess.TryRead(ctx, ctx.Arg(1), out SortedSetObject? set))
        {
            return;
        }
        long rank = set?.RankOf(ctx.Arg(2)) ?? -1;
        if (rank < 0)
        {
            if (withScore)
            {
                ctx.Reply.WriteNullArray();
            }
            else
            {
                ctx.Reply.WriteNull();
            }
            return;
        }
        if (withScore)
        {
            ctx.Reply.WriteArrayHeader(2);
        }
        ctx.Reply.WriteInteger(reverse ? set!.Length - 1 - rank : rank);
        if (withScore)
        {
            set!.TryGetScore(ctx.Arg(2), out double score);
            ctx.Reply.WriteDouble(score);
        }
    }
}
