using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Lists;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Lists;

/// <summary>The non-blocking list commands of one key, with Redis 7's replies, errors and argument order (t_list.c).</summary>
internal static class ListCommands
{
    [Command("LPUSH")]
    public static void LPush(CommandContext ctx) => Push(ctx, head: true, onlyIfExists: false);

    [Command("RPUSH")]
    public static void RPush(CommandContext ctx) => Push(ctx, head: false, onlyIfExists: false);

    [Command("LPUSHX")]
    public static void LPushX(CommandContext ctx) => Push(ctx, head: true, onlyIfExists: true);

    [Command("RPUSHX")]
    public static void RPushX(CommandContext ctx) => Push(ctx, head: false, onlyIfExists: true);

    private static void Push(CommandContext ctx, bool head, bool onlyIfExists)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!ListAccess.TryFindForWrite(ctx, key, out int index, out ListObject? list))
        {
            return;
        }
        if (list is null && onlyIfExists)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        bool created = list is null;
        list ??= new ListObject();
        long before = list.MemoryUsageBytes;
        long addedBytes = 0;
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            addedBytes += ctx.Arg(i).Length;
        }
        list.PrepareToAdd(addedBytes, ctx.ArgumentCount - 2);
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            list.Push(ctx.Arg(i), head);
        }
        if (created)
        {
            ctx.Database.Add(ctx.ArgBytes(1), list, 0);
        }
        else
        {
            ctx.Store.AdjustMemory(list.MemoryUsageBytes - before);
        }
        ctx.Reply.WriteInteger(list.Count);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.List, head ? "lpush" : "rpush", key);
    }

    [Command("LPOP")]
    public static void LPop(CommandContext ctx) => Pop(ctx, head: true);

    [Command("RPOP")]
    public static void RPop(CommandContext ctx) => Pop(ctx, head: false);

    private static void Pop(CommandContext ctx, bool head)
    {
        if (ctx.ArgumentCount > 3)
        {
            ctx.WrongArgumentCount();
            return;
        }
        bool hasCount = ctx.ArgumentCount == 3;
        long count = 0;
        if (hasCount && (!NumberFormat.TryParseInt64(ctx.Arg(2), out count) || count < 0))
        {
            ctx.Error("ERR value is out of range, must be positive");
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!ListAccess.TryFindForWrite(ctx, key, out int index, out ListObject? list))
        {
            return;
        }
        if (list is null)
        {
            if (hasCount)
            {
                ctx.Reply.WriteNullArray();
            }
            else
            {
                ctx.Reply.WriteNull();
            }
            return;
        }
        if (hasCount && count == 0)
        {
            ctx.Reply.WriteEmptyArray();
            return;
        }
        long before = list.MemoryUsageBytes;
        int n = hasCount ? (int)Math.Min(count, list.Count) : 1;
        if (hasCount)
        {
            ctx.Reply.WriteArrayHeader(n);
        }
        for (int i = 0; i < n; i++)
        {
            // Written from the list's own bytes, then removed: no copy of the element.
            ctx.Reply.WriteBulkString(list.End(head));
            list.RemoveEnd(head);
        }
        ListAccess.ElementsRemoved(ctx, key, index, list, before, head ? "lpop" : "rpop");
    }

    [Command("LLEN")]
    public static void LLen(CommandContext ctx)
    {
        if (ListAccess.TryFindForRead(ctx, ctx.Arg(1), out _, out ListObject? list))
        {
            ctx.Reply.WriteInteger(list?.Count ?? 0);
        }
    }

    [Command("LRANGE")]
    public static void LRange(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long start) || !ctx.TryGetInt64(3, out long end))
        {
            return;
        }
        if (!ListAccess.TryFindForRead(ctx, ctx.Arg(1), out _, out ListObject? list))
        {
            return;
        }
        if (list is null || !ListAccess.TryNormaliseRange(start, end, list.Count, out int first, out int last))
        {
            ctx.Reply.WriteEmptyArray();
            return;
        }
        ctx.Reply.WriteArrayHeader(last - first + 1);
        var batch = new BulkStringBatch(ctx.Reply);
        ListReader reader = list.ReadFrom(first);
        for (int i = first; i <= last && reader.TryRead(out ReadOnlySpan<byte> element); i++)
        {
            batch.Write(element);
        }
        batch.Flush();
    }

    [Command("LINDEX")]
    public static void LIndex(CommandContext ctx)
    {
        if (!ListAccess.TryFindForRead(ctx, ctx.Arg(1), out _, out ListObject? list))
        {
            return;
        }
        if (list is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (!ctx.TryGetInt64(2, out long index))
        {
            return;
        }
        if (index < 0)
        {
            index += list.Count;
        }
        if (index < 0 || index >= list.Count)
        {
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteBulkString(list[(int)index]);
    }

    [Command("LSET")]
    public static void LSet(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!ListAccess.TryFindForWrite(ctx, key, out int slot, out ListObject? list))
        {
            return;
        }
        if (list is null)
        {
            ctx.Error("ERR no such key");
            return;
        }
        if (!ctx.TryGetInt64(2, out long index))
        {
            return;
        }
        long before = list.MemoryUsageBytes;
        list.PrepareToAdd(ctx.Arg(3).Length, 1);
        if (index < 0)
        {
            index += list.Count;
        }
        if (index < 0 || index >= list.Count)
        {
            ctx.Store.AdjustMemory(list.MemoryUsageBytes - before);
            ctx.Error("ERR index out of range");
            return;
        }
        list.Replace((int)index, ctx.Arg(3));
        list.TryShrink();
        ctx.Store.AdjustMemory(list.MemoryUsageBytes - before);
        ctx.Reply.WriteOk();
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.List, "lset", key);
    }

    [Command("LINSERT")]
    public static void LInsert(CommandContext ctx)
    {
        bool after = ctx.ArgIs(2, "AFTER"u8);
        if (!after && !ctx.ArgIs(2, "BEFORE"u8))
        {
            ctx.SyntaxError();
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!ListAccess.TryFindForWrite(ctx, key, out _, out ListObject? list))
        {
            return;
        }
        if (list is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long before = list.MemoryUsageBytes;
        list.PrepareToAdd(ctx.Arg(4).Length, 1);
        ReadOnlySpan<byte> pivot = ctx.Arg(3);
        int found = -1;
        for (int i = 0; i < list.Count; i++)
        {
            if (pivot.SequenceEqual(list[i]))
            {
                found = i;
                break;
            }
        }
        if (found < 0)
        {
            ctx.Store.AdjustMemory(list.MemoryUsageBytes - before);
            ctx.Reply.WriteInteger(-1);
            return;
        }
        list.Insert(after ? found + 1 : found, ctx.Arg(4));
        ctx.Store.AdjustMemory(list.MemoryUsageBytes - before);
        ctx.Reply.WriteInteger(list.Count);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.List, "linsert", key);
    }

    [Command("LREM")]
    public static void LRem(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long count))
        {
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!ListAccess.TryFindForWrite(ctx, key, out int index, out ListObject? list))
        {
            return;
        }
        if (list is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long before = list.MemoryUsageBytes;
        long removed = list.RemoveMatching(ctx.Arg(3), count);
        ctx.Reply.WriteInteger(removed);
        if (removed > 0)
        {
            ListAccess.ElementsRemoved(ctx, key, index, list, before, "lrem");
        }
    }

    [Command("LTRIM")]
    public static void LTrim(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long start) || !ctx.TryGetInt64(3, out long end))
        {
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!ListAccess.TryFindForWrite(ctx, key, out int index, out ListObject? list))
        {
            return;
        }
        if (list is null)
        {
            ctx.Reply.WriteOk();
            return;
        }
        long before = list.MemoryUsageBytes;
        int length = list.Count;
        if (ListAccess.TryNormaliseRange(start, end, length, out int first, out int last))
        {
            list.Trim(first, length - last - 1);
        }
        else
        {
            list.Trim(length, 0);
        }
        ctx.Reply.WriteOk();
        ListAccess.ElementsRemoved(ctx, key, index, list, before, "ltrim");
    }

    [Command("LPOS")]
    public static void LPos(CommandContext ctx)
    {
        long rank = 1;
        long count = -1;
        long maxLength = 0;
        for (int j = 3; j < ctx.ArgumentCount; j++)
        {
            bool moreArguments = j < ctx.ArgumentCount - 1;
            if (ctx.ArgIs(j, "RANK"u8) && moreArguments)
            {
                j++;
                if (!ctx.TryGetInt64(j, out rank))
                {
                    return;
                }
                if (rank == long.MinValue)
                {
                    ctx.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                    return;
                }
                if (rank == 0)
                {
                    ctx.Error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                    return;
                }
            }
            else if (ctx.ArgIs(j, "COUNT"u8) && moreArguments)
            {
                j++;
                if (!NumberFormat.TryParseInt64(ctx.Arg(j), out count) || count < 0)
                {
                    ctx.Error("ERR COUNT can't be negative");
                    return;
                }
            }
            else if (ctx.ArgIs(j, "MAXLEN"u8) && moreArguments)
            {
                j++;
                if (!NumberFormat.TryParseInt64(ctx.Arg(j), out maxLength) || maxLength < 0)
                {
                    ctx.Error("ERR MAXLEN can't be negative");
                    return;
                }
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        bool fromTail = rank < 0;
        if (fromTail)
        {
            rank = -rank;
        }
        if (!ListAccess.TryFindForRead(ctx, ctx.Arg(1), out _, out ListObject? list))
        {
            return;
        }
        if (list is null)
        {
            if (count != -1)
            {
                ctx.Reply.WriteEmptyArray();
            }
            else
            {
                ctx.Reply.WriteNull();
            }
            return;
        }
        ReadOnlySpan<byte> element = ctx.Arg(2);
        int length = list.Count;
        List<long>? positions = count != -1 ? [] : null;
        long matches = 0;
        for (long scanned = 0; scanned < length && (maxLength == 0 || scanned < maxLength); scanned++)
        {
            int position = fromTail ? (int)(length - 1 - scanned) : (int)scanned;
            if (!element.SequenceEqual(list[position]))
            {
                continue;
            }
            matches++;
            if (matches < rank)
            {
                continue;
            }
            if (positions is null)
            {
                ctx.Reply.WriteInteger(position);
                return;
            }
            positions.Add(position);
            if (count != 0 && matches - rank + 1 >= count)
            {
                break;
            }
        }
        if (positions is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteArrayHeader(positions.Count);
        foreach (long position in positions)
        {
            ctx.Reply.WriteInteger(position);
        }
    }
}
