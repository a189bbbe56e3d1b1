using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.SortedSets;

/// <summary>
/// ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN, BZPOPMAX, BZMPOP. A blocking command that finds nothing
/// parks the client on all its keys (outside MULTI); the dispatcher re-runs it when one of them changes.
/// </summary>
internal static class SortedSetPopCommands
{
    private const long NoCount = -1;

    [Command("ZPOPMIN")]
    public static void ZPopMin(CommandContext ctx) => PopMinMax(ctx, max: false);

    [Command("ZPOPMAX")]
    public static void ZPopMax(CommandContext ctx) => PopMinMax(ctx, max: true);

    [Command("BZPOPMIN")]
    public static void BZPopMin(CommandContext ctx) => BlockingPop(ctx, 1, ctx.ArgumentCount - 2, max: false, ctx.ArgumentCount - 1, NoCount, nested: false, nullWhenEmpty: false);

    [Command("BZPOPMAX")]
    public static void BZPopMax(CommandContext ctx) => BlockingPop(ctx, 1, ctx.ArgumentCount - 2, max: true, ctx.ArgumentCount - 1, NoCount, nested: false, nullWhenEmpty: false);

    [Command("ZMPOP")]
    public static void ZMPop(CommandContext ctx) => MultiPop(ctx, 1, blocking: false);

    [Command("BZMPOP")]
    public static void BZMPop(CommandContext ctx) => MultiPop(ctx, 2, blocking: true);

    private static void PopMinMax(CommandContext ctx, bool max)
    {
        if (ctx.ArgumentCount > 3)
        {
            ctx.SyntaxError();
            return;
        }
        long count = NoCount;
        if (ctx.ArgumentCount == 3 && (!NumberFormat.TryParseInt64(ctx.Arg(2), out count) || count < 0))
        {
            ctx.Error("ERR value is out of range, must be positive");
            return;
        }
        bool nested = ctx.Reply.IsResp3 && count != NoCount;
        Pop(ctx, 1, 1, max, emitKey: false, count, nested, nullWhenEmpty: false);
    }

    /// <summary>Redis's zmpopGenericCommand: numkeys, keys, MIN|MAX, optional COUNT.</summary>
    private static void MultiPop(CommandContext ctx, int numKeysIndex, bool blocking)
    {
        if (!NumberFormat.TryParseInt64(ctx.Arg(numKeysIndex), out long keyCount) || keyCount < 1)
        {
            ctx.Error("ERR numkeys should be greater than 0");
            return;
        }
        // Checked before adding so that a huge numkeys cannot overflow the index (same answer as Redis otherwise).
        long whereIndex = keyCount >= ctx.ArgumentCount ? long.MaxValue : numKeysIndex + keyCount + 1;
        if (whereIndex >= ctx.ArgumentCount)
        {
            ctx.SyntaxError();
            return;
        }
        bool max;
        if (ctx.ArgIs((int)whereIndex, "MIN"u8))
        {
            max = false;
        }
        else if (ctx.ArgIs((int)whereIndex, "MAX"u8))
        {
            max = true;
        }
        else
        {
            ctx.SyntaxError();
            return;
        }
        long count = NoCount;
        for (int j = (int)whereIndex + 1; j < ctx.ArgumentCount; j++)
        {
            bool moreArguments = j + 1 < ctx.ArgumentCount;
            if (count == NoCount && moreArguments && ctx.ArgIs(j, "COUNT"u8))
            {
                j++;
                if (!NumberFormat.TryParseInt64(ctx.Arg(j), out count) || count < 1)
                {
                    ctx.Error("ERR count should be greater than 0");
                    return;
                }
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (count == NoCount)
        {
            count = 1;
        }
        if (blocking)
        {
            BlockingPop(ctx, numKeysIndex + 1, (int)keyCount, max, 1, count, nested: true, nullWhenEmpty: true);
        }
        else
        {
            Pop(ctx, numKeysIndex + 1, (int)keyCount, max, emitKey: true, count, nested: true, nullWhenEmpty: true);
        }
    }

    /// <summary>Redis's blockingGenericZpopCommand: serve from the first non-empty key, else block (or time out in MULTI).</summary>
    private static void BlockingPop(CommandContext ctx, int firstKey, int keyCount, bool max, int timeoutIndex, long count, bool nested, bool nullWhenEmpty)
    {
        if (!BlockingTimeout.TryParse(ctx, timeoutIndex, out long deadline))
        {
            return;
        }
        for (int i = 0; i < keyCount; i++)
        {
            if (!SortedSetAccess.TryWrite(ctx, ctx.Arg(firstKey + i), out SortedSetObject? set))
            {
                return;
            }
            if (set is not null && set.Length > 0)
            {
                Pop(ctx, firstKey + i, 1, max, emitKey: true, count, nested, nullWhenEmpty);
                return;
            }
        }
        if (ctx.InExec)
        {
            ctx.Reply.WriteNullArray();
            return;
        }
        var keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++)
        {
            keys[i] = ctx.ArgBytes(firstKey + i);
        }
        ctx.Block = new BlockRequest(keys, deadline, TimeoutReply.NullArray);
    }

    /// <summary>
    /// Redis's genericZpopCommand: pops up to <paramref name="count"/> (NoCount = one, flat) elements from the first
    /// existing key among the given ones, in the reply shape its callers ask for.
    /// </summary>
    private static void Pop(CommandContext ctx, int firstKey, int keyCount, bool max, bool emitKey, long count, bool nested, bool nullWhenEmpty)
    {
        SortedSetObject? set = null;
        int keyIndex = firstKey;
        for (int i = 0; i < keyCount && set is null; i++)
        {
            keyIndex = firstKey + i;
            if (!SortedSetAccess.TryWrite(ctx, ctx.Arg(keyIndex), out set))
            {
                return;
            }
        }
        if (set is null)
        {
            if (nullWhenEmpty)
            {
                ctx.Reply.WriteNullArray();
            }
            else
            {
                ctx.Reply.WriteArrayHeader(0);
            }
            return;
        }
        if (count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        if (count == NoCount)
        {
            count = 1;
        }
        ReadOnlySpan<byte> key = ctx.Arg(keyIndex);
        long popped = Math.Min(count, set.Length);
        if (!nested && !emitKey)
        {
            ctx.Reply.WriteArrayHeader(popped * 2);
        }
        else if (nested && !emitKey)
        {
            ctx.Reply.WriteArrayHeader(popped);
        }
        else if (!nested)
        {
            ctx.Reply.WriteArrayHeader(popped * 2 + 1);
            ctx.Reply.WriteBulkString(key);
        }
        else
        {
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulkString(key);
            ctx.Reply.WriteArrayHeader(popped);
        }
        long before = set.MemoryUsageBytes;
        for (long i = 0; i < popped; i++)
        {
            long rank = max ? set.Length - 1 : 0;
            SortedSetEntry entry = set.ElementAt(rank);
            set.RemoveRankRange(rank, rank);
            if (nested)
            {
                ctx.Reply.WriteArrayHeader(2);
            }
            ctx.Reply.WriteBulkString(entry.Member);
            ctx.Reply.WriteDouble(entry.Score);
        }
        ctx.Notify(KeyspaceEvents.SortedSet, max ? "zpopmax" : "zpopmin", key);
        if (SortedSetAccess.FinishRemoval(ctx, key, set, before))
        {
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
        }
        ctx.Modified(key);
    }
}
