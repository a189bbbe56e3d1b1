using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Lists;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Lists;

/// <summary>
/// The list commands that pop from one list and push to another or pop from the first non-empty of several keys, and
/// their blocking forms. A blocking handler tries to serve; otherwise it asks to block (or, inside EXEC, replies as a
/// timeout). A blocked client is served by re-running its command when one of its keys changes, so a key that became
/// another type replies WRONGTYPE, as Redis 7.
/// </summary>
internal static class ListMoveCommands
{
    [Command("LMOVE")]
    public static void LMove(CommandContext ctx)
    {
        if (ListAccess.TryParseSide(ctx, 3, out bool fromHead) && ListAccess.TryParseSide(ctx, 4, out bool toHead))
        {
            Move(ctx, fromHead, toHead);
        }
    }

    [Command("RPOPLPUSH")]
    public static void RPopLPush(CommandContext ctx) => Move(ctx, fromHead: false, toHead: true);

    [Command("BLMOVE")]
    public static void BLMove(CommandContext ctx)
    {
        if (ListAccess.TryParseSide(ctx, 3, out bool fromHead) && ListAccess.TryParseSide(ctx, 4, out bool toHead)
            && BlockingTimeout.TryParse(ctx, 5, out long deadline))
        {
            BlockingMove(ctx, fromHead, toHead, deadline);
        }
    }

    [Command("BRPOPLPUSH")]
    public static void BRPopLPush(CommandContext ctx)
    {
        if (BlockingTimeout.TryParse(ctx, 3, out long deadline))
        {
            BlockingMove(ctx, fromHead: false, toHead: true, deadline);
        }
    }

    private static void BlockingMove(CommandContext ctx, bool fromHead, bool toHead, long deadline)
    {
        if (!ListAccess.TryFindForWrite(ctx, ctx.Arg(1), out _, out ListObject? source))
        {
            return;
        }
        if (source is not null)
        {
            Move(ctx, fromHead, toHead);
            return;
        }
        if (ctx.InExec)
        {
            ctx.Reply.WriteNull();
            return;
        }
        // Redis 7.0 answers a timed-out BLMOVE/BRPOPLPUSH like every list block: a null array (replyToBlockedClientTimedOut).
        ctx.Block = new BlockRequest([ctx.ArgBytes(1)], deadline, TimeoutReply.NullArray);
    }

    /// <summary>lmoveGenericCommand: the destination's type is checked before anything is popped.</summary>
    private static void Move(CommandContext ctx, bool fromHead, bool toHead)
    {
        ReadOnlySpan<byte> sourceKey = ctx.Arg(1);
        ReadOnlySpan<byte> destinationKey = ctx.Arg(2);
        if (!ListAccess.TryFindForWrite(ctx, sourceKey, out int sourceIndex, out ListObject? source))
        {
            return;
        }
        if (source is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (!ListAccess.TryFindForWrite(ctx, destinationKey, out _, out ListObject? destination))
        {
            return;
        }
        long sourceBefore = source.MemoryUsageBytes;
        byte[] element = source.Pop(fromHead);
        ctx.Store.AdjustMemory(source.MemoryUsageBytes - sourceBefore);
        sourceBefore = source.MemoryUsageBytes;

        bool created = destination is null;
        destination ??= new ListObject();
        long destinationBefore = destination.MemoryUsageBytes;
        destination.PrepareToAdd(element.Length, 1);
        destination.Push(element, toHead);
        if (created)
        {
            ctx.Database.Add(destinationKey.ToArray(), destination, 0);
        }
        else if (!ReferenceEquals(destination, source))
        {
            ctx.Store.AdjustMemory(destination.MemoryUsageBytes - destinationBefore);
        }
        else
        {
            sourceBefore = destinationBefore;
        }
        ctx.Modified(destinationKey);
        ctx.Notify(KeyspaceEvents.List, toHead ? "lpush" : "rpush", destinationKey);
        ctx.Reply.WriteBulkString(element);
        ListAccess.ElementsRemoved(ctx, sourceKey, sourceIndex, source, sourceBefore, fromHead ? "lpop" : "rpop");
    }

    [Command("LMPOP")]
    public static void LMPop(CommandContext ctx)
    {
        if (TryParseMultiPop(ctx, 1, out int keyCount, out bool head, out long count))
        {
            if (!TryMultiPop(ctx, 2, keyCount, head, count, out bool served) || served)
            {
                return;
            }
            ctx.Reply.WriteNullArray();
        }
    }

    [Command("BLMPOP")]
    public static void BLMPop(CommandContext ctx)
    {
        if (!TryParseMultiPop(ctx, 2, out int keyCount, out bool head, out long count)
            || !BlockingTimeout.TryParse(ctx, 1, out long deadline))
        {
            return;
        }
        if (!TryMultiPop(ctx, 3, keyCount, head, count, out bool served) || served)
        {
            return;
        }
        if (ctx.InExec)
        {
            ctx.Reply.WriteNullArray();
            return;
        }
        ctx.Block = new BlockRequest(ListAccess.DistinctKeys(ctx, 3, 3 + keyCount), deadline, TimeoutReply.NullArray);
    }

    [Command("BLPOP")]
    public static void BLPop(CommandContext ctx) => BlockingPop(ctx, head: true);

    [Command("BRPOP")]
    public static void BRPop(CommandContext ctx) => BlockingPop(ctx, head: false);

    private static void BlockingPop(CommandContext ctx, bool head)
    {
        int timeoutIndex = ctx.ArgumentCount - 1;
        if (!BlockingTimeout.TryParse(ctx, timeoutIndex, out long deadline))
        {
            return;
        }
        for (int i = 1; i < timeoutIndex; i++)
        {
            ReadOnlySpan<byte> key = ctx.Arg(i);
            if (!ListAccess.TryFindForWrite(ctx, key, out int index, out ListObject? list))
            {
                return;
            }
            if (list is null)
            {
                continue;
            }
            long before = list.MemoryUsageBytes;
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulkString(key);
            ctx.Reply.WriteBulkString(list.End(head));
            list.RemoveEnd(head);
            ListAccess.ElementsRemoved(ctx, key, index, list, before, head ? "lpop" : "rpop");
            return;
        }
        if (ctx.InExec)
        {
            ctx.Reply.WriteNullArray();
            return;
        }
        ctx.Block = new BlockRequest(ListAccess.DistinctKeys(ctx, 1, timeoutIndex), deadline, TimeoutReply.NullArray);
    }

    /// <summary>lmpopGenericCommand's parsing: numkeys, keys, LEFT|RIGHT, [COUNT count], with Redis's error texts.</summary>
    private static bool TryParseMultiPop(CommandContext ctx, int numKeysIndex, out int keyCount, out bool head, out long count)
    {
        keyCount = 0;
        head = false;
        count = -1;
        if (!NumberFormat.TryParseInt64(ctx.Arg(numKeysIndex), out long numKeys) || numKeys < 1)
        {
            ctx.Error("ERR numkeys should be greater than 0");
            return false;
        }
        if (numKeys >= ctx.ArgumentCount - numKeysIndex - 1)
        {
            ctx.SyntaxError();
            return false;
        }
        keyCount = (int)numKeys;
        int sideIndex = numKeysIndex + keyCount + 1;
        if (!ListAccess.TryParseSide(ctx, sideIndex, out head))
        {
            return false;
        }
        for (int j = sideIndex + 1; j < ctx.ArgumentCount; j++)
        {
            bool moreArguments = j < ctx.ArgumentCount - 1;
            if (count == -1 && ctx.ArgIs(j, "COUNT"u8) && moreArguments)
            {
                j++;
                if (!NumberFormat.TryParseInt64(ctx.Arg(j), out count) || count < 1)
                {
                    ctx.Error("ERR count should be greater than 0");
                    return false;
                }
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        if (count == -1)
        {
            count = 1;
        }
        return true;
    }

    /// <summary>
    /// Pops up to <paramref name="count"/> elements from the first non-empty list among the keys and replies
    /// [key, [elements]]. Returns false after a WRONGTYPE reply; <paramref name="served"/> says whether it replied.
    /// </summary>
    private static bool TryMultiPop(CommandContext ctx, int firstKey, int keyCount, bool head, long count, out bool served)
    {
        served = false;
        for (int i = firstKey; i < firstKey + keyCount; i++)
        {
            ReadOnlySpan<byte> key = ctx.Arg(i);
            if (!ListAccess.TryFindForWrite(ctx, key, out int index, out ListObject? list))
            {
                return false;
            }
            if (list is null)
            {
                continue;
            }
            long before = list.MemoryUsageBytes;
            int n = (int)Math.Min(count, list.Count);
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulkString(key);
            ctx.Reply.WriteArrayHeader(n);
            for (int e = 0; e < n; e++)
            {
                ctx.Reply.WriteBulkString(list.End(head));
                list.RemoveEnd(head);
            }
            ListAccess.ElementsRemoved(ctx, key, index, list, before, head ? "lpop" : "rpop");
            served = true;
            return true;
        }
        return true;
    }
}
