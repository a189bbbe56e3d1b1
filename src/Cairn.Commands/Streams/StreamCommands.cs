using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Streams;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Streams;

/// <summary>The stream commands on entries (t_stream.c): XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID.</summary>
internal static class StreamCommands
{
    [Command("XADD")]
    public static void XAdd(CommandContext ctx)
    {
        AddTrimArguments? args = AddTrimArguments.Parse(ctx, xadd: true);
        if (args is null)
        {
            return;
        }
        int fieldStart = args.IdIndex + 1;
        int fieldCount = ctx.ArgumentCount - fieldStart;
        if (fieldCount < 2 || fieldCount % 2 == 1)
        {
            ctx.WrongArgumentCount();
            return;
        }
        if (args.IdGiven && args.SequenceGiven && args.Id.IsZero)
        {
            ctx.Error("ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!StreamIds.TryGetStream(ctx, key, write: true, out StreamObject? stream, out int index))
        {
            return;
        }
        if (stream is null && args.NoMakeStream)
        {
            ctx.Reply.WriteNull();
            return;
        }
        StreamObject target = stream ?? new StreamObject();
        if (target.LastId == StreamId.Max)
        {
            ctx.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
            return;
        }
        StreamId id;
        if (!args.IdGiven)
        {
            ulong now = (ulong)Math.Max(0, ctx.Now);
            id = now > target.LastId.Milliseconds
                ? new StreamId(now, 0)
                : new StreamId(target.LastId.Milliseconds, target.LastId.Sequence + 1);
        }
        else if (!args.SequenceGiven && args.Id.Milliseconds == target.LastId.Milliseconds)
        {
            if (target.LastId.Sequence == ulong.MaxValue)
            {
                ctx.Error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
                return;
            }
            id = new StreamId(args.Id.Milliseconds, target.LastId.Sequence + 1);
        }
        else
        {
            id = args.Id;
        }
        if (id <= target.LastId)
        {
            ctx.Error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
            return;
        }
        var fields = new byte[fieldCount][];
        for (int i = 0; i < fieldCount; i++)
        {
            fields[i] = ctx.ArgBytes(fieldStart + i);
        }
        if (stream is null)
        {
            target.Append(id, fields);
            ctx.Database.Add(ctx.ArgBytes(1), target, 0);
        }
        else
        {
            long before = target.MemoryUsageBytes;
            target.Append(id, fields);
            StreamIds.AccountMemory(ctx, target, before);
        }
        StreamIds.WriteId(ctx.Reply, id);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Stream, "xadd", key);
        if (args.Strategy != TrimStrategy.None)
        {
            long before = target.MemoryUsageBytes;
            if (args.Trim(target) > 0)
            {
                StreamIds.AccountMemory(ctx, target, before);
                ctx.Notify(KeyspaceEvents.Stream, "xtrim", key);
            }
        }
        ctx.PropagateAs(args.Rewrite(ctx, target, id));
    }

    [Command("XLEN")]
    public static void XLen(CommandContext ctx)
    {
        if (StreamIds.TryGetStream(ctx, ctx.Arg(1), write: false, out StreamObject? stream, out _))
        {
            ctx.Reply.WriteInteger(stream?.Length ?? 0);
        }
    }

    [Command("XRANGE")]
    public static void XRange(CommandContext ctx) => RangeGeneric(ctx, reverse: false);

    [Command("XREVRANGE")]
    public static void XRevRange(CommandContext ctx) => RangeGeneric(ctx, reverse: true);

    /// <summary>xrangeGenericCommand: bounds (exclusive with '('), COUNT (negative = 0; 0 replies a null array).</summary>
    private static void RangeGeneric(CommandContext ctx, bool reverse)
    {
        int startIndex = reverse ? 3 : 2;
        int endIndex = reverse ? 2 : 3;
        if (!StreamIds.TryParseRangeBound(ctx, startIndex, isStart: true, out StreamId start)
            || !StreamIds.TryParseRangeBound(ctx, endIndex, isStart: false, out StreamId end))
        {
            return;
        }
        long count = -1;
        for (int j = 4; j < ctx.ArgumentCount; j++)
        {
            if (ctx.ArgIs(j, "COUNT"u8) && j + 1 < ctx.ArgumentCount)
            {
                if (!ctx.TryGetInt64(j + 1, out count))
                {
                    return;
                }
                if (count < 0)
                {
                    count = 0;
                }
                j++;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (!StreamIds.TryGetStream(ctx, ctx.Arg(1), write: false, out StreamObject? stream, out _))
        {
            return;
        }
        if (stream is null)
        {
            ctx.Reply.WriteEmptyArray();
            return;
        }
        if (count == 0)
        {
            ctx.Reply.WriteNullArray();
            return;
        }
        var entries = new List<StreamEntry>();
        stream.Range(start, end, count < 0 ? 0 : count, reverse, entries);
        StreamIds.WriteEntries(ctx.Reply, entries);
    }

    [Command("XDEL")]
    public static void XDel(CommandContext ctx)
    {
        // As Redis: a missing key answers 0 before the IDs are checked; then all IDs are checked before any is deleted.
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!StreamIds.TryGetStream(ctx, key, write: true, out StreamObject? stream, out _))
        {
            return;
        }
        if (stream is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var ids = new StreamId[ctx.ArgumentCount - 2];
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            if (!StreamIds.TryParseStrict(ctx, i, out ids[i - 2]))
            {
                return;
            }
        }
        long before = stream.MemoryUsageBytes;
        long deleted = 0;
        foreach (StreamId id in ids)
        {
            if (stream.Delete(id))
            {
                deleted++;
            }
        }
        if (deleted > 0)
        {
            StreamIds.AccountMemory(ctx, stream, before);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Stream, "xdel", key);
        }
        ctx.Reply.WriteInteger(deleted);
    }

    [Command("XTRIM")]
    public static void XTrim(CommandContext ctx)
    {
        AddTrimArguments? args = AddTrimArguments.Parse(ctx, xadd: false);
        if (args is null)
        {
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!StreamIds.TryGetStream(ctx, key, write: true, out StreamObject? stream, out _))
        {
            return;
        }
        if (stream is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long before = stream.MemoryUsageBytes;
        long removed = args.Trim(stream);
        if (removed > 0)
        {
            StreamIds.AccountMemory(ctx, stream, before);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Stream, "xtrim", key);
            ctx.PropagateAs(args.Rewrite(ctx, stream, null));
        }
        ctx.Reply.WriteInteger(removed);
    }

    [Command("XSETID")]
    public static void XSetId(CommandContext ctx)
    {
        if (!StreamIds.TryParseStrict(ctx, 2, out StreamId id))
        {
            return;
        }
        long entriesAdded = -1;
        StreamId maxDeleted = StreamId.Zero;
        for (int i = 3; i < ctx.ArgumentCount; i++)
        {
            bool more = i + 1 < ctx.ArgumentCount;
            if (ctx.ArgIs(i, "ENTRIESADDED"u8) && more)
            {
                if (!ctx.TryGetInt64(i + 1, out entriesAdded))
                {
                    return;
                }
                if (entriesAdded < 0)
                {
                    ctx.Error("ERR entries_added must be positive");
                    return;
                }
                i++;
            }
            else if (ctx.ArgIs(i, "MAXDELETEDID"u8) && more)
            {
                if (!StreamIds.TryParseStrict(ctx, i + 1, out maxDeleted))
                {
                    return;
                }
                if (id < maxDeleted)
                {
                    ctx.Error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
                i++;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!StreamIds.TryGetStream(ctx, key, write: true, out StreamObject? stream, out _))
        {
            return;
        }
        if (stream is null)
        {
            ctx.Error("ERR no such key");
            return;
        }
        if (id < stream.MaxDeletedId)
        {
            ctx.Error("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
            return;
        }
        if (stream.Length > 0)
        {
            if (id < stream.LastEntryId)
            {
                ctx.Error("ERR The ID specified in XSETID is smaller than the target stream top item");
                return;
            }
            if (entriesAdded != -1 && stream.Length > entriesAdded)
            {
                ctx.Error("ERR The entries_added specified in XSETID is smaller than the target stream length");
                return;
            }
        }
        stream.LastId = id;
        if (entriesAdded != -1)
        {
            stream.EntriesAdded = entriesAdded;
        }
        if (!maxDeleted.IsZero)
        {
            stream.MaxDeletedId = maxDeleted;
        }
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Stream, "xsetid", key);
        ctx.Reply.WriteOk();
    }
}
