using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Streams;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Streams;

/// <summary>The pending entries lists: XACK, XPENDING, XCLAIM, XAUTOCLAIM.</summary>
internal static class StreamPendingCommands
{
    [Command("XACK")]
    public static void XAck(CommandContext ctx)
    {
        // As Redis: no key or group answers 0 first; then every ID is checked before any is acknowledged.
        if (!StreamIds.TryGetStream(ctx, ctx.Arg(1), write: true, out StreamObject? stream, out _))
        {
            return;
        }
        StreamGroup? group = stream?.FindGroup(ctx.ArgBytes(2));
        if (group is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var ids = new StreamId[ctx.ArgumentCount - 3];
        for (int i = 3; i < ctx.ArgumentCount; i++)
        {
            if (!StreamIds.TryParseStrict(ctx, i, out ids[i - 3]))
            {
                return;
            }
        }
        long before = stream!.MemoryUsageBytes;
        long acknowledged = 0;
        foreach (StreamId id in ids)
        {
            if (group.Acknowledge(id))
            {
                acknowledged++;
            }
        }
        if (acknowledged > 0)
        {
            StreamIds.AccountMemory(ctx, stream, before);
            ctx.Store.Dirty += acknowledged;
        }
        ctx.Reply.WriteInteger(acknowledged);
    }

    [Command("XPENDING")]
    public static void XPending(CommandContext ctx)
    {
        int argc = ctx.ArgumentCount;
        bool extended = argc >= 6;
        long minIdle = 0;
        StreamId start = StreamId.Zero;
        StreamId end = StreamId.Max;
        long count = 0;
        byte[]? consumerName = null;
        if (argc != 3 && (argc < 6 || argc > 9))
        {
            ctx.SyntaxError();
            return;
        }
        if (extended)
        {
            int startIndex = 3;
            if (ctx.ArgIs(3, "IDLE"u8))
            {
                if (!ctx.TryGetInt64(4, out minIdle))
                {
                    return;
                }
                if (argc < 8)
                {
                    ctx.SyntaxError();
                    return;
                }
                startIndex += 2;
            }
            if (argc > startIndex + 4)
            {
                ctx.SyntaxError();
                return;
            }
            if (!StreamIds.TryParseRangeBound(ctx, startIndex, isStart: true, out start)
                || !StreamIds.TryParseRangeBound(ctx, startIndex + 1, isStart: false, out end)
                || !ctx.TryGetInt64(startIndex + 2, out count))
            {
                return;
            }
            if (count < 0)
            {
                count = 0;
            }
            if (argc > startIndex + 3)
            {
                consumerName = ctx.ArgBytes(startIndex + 3);
            }
        }
        if (!StreamIds.TryGetStream(ctx, ctx.Arg(1), write: false, out StreamObject? stream, out _))
        {
            return;
        }
        StreamGroup? group = stream?.FindGroup(ctx.ArgBytes(2));
        if (group is null)
        {
            ctx.Error($"NOGROUP No such key '{ctx.ArgString(1)}' or consumer group '{ctx.ArgString(2)}'");
            return;
        }
        RespWriter reply = ctx.Reply;
        if (!extended)
        {
            reply.WriteArrayHeader(4);
            reply.WriteInteger(group.Pending.Count);
            if (group.Pending.Count == 0)
            {
                reply.WriteNull();
                reply.WriteNull();
                reply.WriteNullArray();
                return;
            }
            StreamId first = default;
            StreamId last = default;
            bool any = false;
            foreach (StreamId id in group.Pending.Keys)
            {
                if (!any)
                {
                    first = id;
                    any = true;
                }
                last = id;
            }
            StreamIds.WriteId(reply, first);
            StreamIds.WriteId(reply, last);
            int withPending = 0;
            foreach (StreamConsumer consumer in group.Consumers.Values)
            {
                if (consumer.Pending.Count > 0)
                {
                    withPending++;
                }
            }
            reply.WriteArrayHeader(withPending);
            foreach (StreamConsumer consumer in group.Consumers.Values)
            {
                if (consumer.Pending.Count > 0)
                {
                    reply.WriteArrayHeader(2);
                    reply.WriteBulkString(consumer.Name);
                    reply.WriteBulkString(StreamIds.Number(consumer.Pending.Count));
                }
            }
            return;
        }
        SortedDictionary<StreamId, PendingEntry> source = group.Pending;
        if (consumerName is not null)
        {
            StreamConsumer? consumer = group.FindConsumer(consumerName);
            if (consumer is null)
            {
                reply.WriteEmptyArray();
                return;
            }
            source = consumer.Pending;
        }
        var selected = new List<PendingEntry>();
        if (count > 0 && start <= end)
        {
            foreach (PendingEntry pending in source.Values)
            {
                if (pending.Id < start)
                {
                    continue;
                }
                if (pending.Id > end || selected.Count == count)
                {
                    break;
                }
                if (minIdle > 0 && ctx.Now - pending.DeliveryTimeMilliseconds < minIdle)
                {
                    continue;
                }
                selected.Add(pending);
            }
        }
        reply.WriteArrayHeader(selected.Count);
        foreach (PendingEntry pending in selected)
        {
            reply.WriteArrayHeader(4);
            StreamIds.WriteId(reply, pending.Id);
            reply.WriteBulkString(pending.Consumer.Name);
            reply.WriteInteger(Math.Max(0, ctx.Now - pending.DeliveryTimeMilliseconds));
            reply.WriteInteger(pending.DeliveryCount);
        }
    }

    [Command("XCLAIM")]
    public static void XClaim(CommandContext ctx)
    {
        if (!StreamIds.TryGetStream(ctx, ctx.Arg(1), write: true, out StreamObject? stream, out _))
        {
            return;
        }
        StreamGroup? group = stream?.FindGroup(ctx.ArgBytes(2));
        if (group is null)
        {
            ctx.Error($"NOGROUP No such key '{ctx.ArgString(1)}' or consumer group '{ctx.ArgString(2)}'");
            return;
        }
        if (!NumberFormat.TryParseInt64(ctx.Arg(4), out long minIdle))
        {
            ctx.Error("ERR Invalid min-idle-time argument for XCLAIM");
            return;
        }
        minIdle = Math.Max(0, minIdle);
        int j = 5;
        for (; j < ctx.ArgumentCount; j++)
        {
            if (!StreamIds.TryParse(ctx.Arg(j), 0, strict: true, allowAutoSequence: false, out _, out _))
            {
                break;
            }
        }
        int lastIdIndex = j - 1;
        long now = ctx.Now;
        long deliveryTime = -1;
        long retryCount = -1;
        bool force = false;
        bool justId = false;
        StreamId lastId = StreamId.Zero;
        for (; j < ctx.ArgumentCount; j++)
        {
            bool more = j + 1 < ctx.ArgumentCount;
            if (ctx.ArgIs(j, "IDLE"u8) && more)
            {
                if (!NumberFormat.TryParseInt64(ctx.Arg(++j), out long idle))
                {
                    ctx.Error("ERR Invalid IDLE option argument for XCLAIM");
                    return;
                }
                deliveryTime = now - idle;
            }
            else if (ctx.ArgIs(j, "TIME"u8) && more)
            {
                if (!NumberFormat.TryParseInt64(ctx.Arg(++j), out deliveryTime))
                {
                    ctx.Error("ERR Invalid TIME option argument for XCLAIM");
                    return;
                }
            }
            else if (ctx.ArgIs(j, "RETRYCOUNT"u8) && more)
            {
                if (!NumberFormat.TryParseInt64(ctx.Arg(++j), out retryCount))
                {
                    ctx.Error("ERR Invalid RETRYCOUNT option argument for XCLAIM");
                    return;
                }
            }
            else if (ctx.ArgIs(j, "FORCE"u8))
            {
                force = true;
            }
            else if (ctx.ArgIs(j, "JUSTID"u8))
            {
                justId = true;
            }
            else if (ctx.ArgIs(j, "LASTID"u8) && more)
            {
                if (!StreamIds.TryParseStrict(ctx, ++j, out lastId))
                {
                    return;
                }
            }
            else
            {
                ctx.Error($"ERR Unrecognized XCLAIM option '{ctx.ArgString(j)}'");
                return;
            }
        }
        byte[] key = ctx.ArgBytes(1);
        long before = stream!.MemoryUsageBytes;
        bool propagateLastId = false;
        if (lastId > group.LastId)
        {
            group.LastId = lastId;
            propagateLastId = true;
        }
        if (deliveryTime != -1)
        {
            if (deliveryTime < 0 || deliveryTime > now)
            {
                deliveryTime = now;
            }
        }
        else
        {
            deliveryTime = now;
        }
        byte[] consumerName = ctx.ArgBytes(3);
        StreamConsumer? consumer = null;
        var claimed = new List<(StreamId Id, StreamEntry? Entry)>();
        for (int i = 5; i <= lastIdIndex; i++)
        {
            StreamIds.TryParse(ctx.Arg(i), 0, strict: true, allowAutoSequence: false, out StreamId id, out _);
            group.Pending.TryGetValue(id, out PendingEntry? pending);
            if (!stream.TryGet(id, out StreamEntry entry))
            {
                if (pending is not null)
                {
                    StreamPropagation.ClaimDeleted(ctx, key, group, pending);
                    propagateLastId = false;
                    group.Acknowledge(id);
                    ctx.Store.Dirty++;
                }
                continue;
            }
            bool created = false;
            if (force && pending is null)
            {
                consumer ??= FindOrCreate(ctx, group, consumerName, now);
                pending = group.Deliver(id, consumer, deliveryTime, 1); // streamCreateNACK starts at 1
                created = true;
            }
            if (pending is null)
            {
                continue;
            }
            if (!created && minIdle > 0 && now - pending.DeliveryTimeMilliseconds < minIdle)
            {
                continue;
            }
            consumer ??= FindOrCreate(ctx, group, consumerName, now);
            group.Assign(pending, consumer);
            pending.DeliveryTimeMilliseconds = deliveryTime;
            if (retryCount >= 0)
            {
                pending.DeliveryCount = retryCount;
            }
            else if (!justId)
            {
                pending.DeliveryCount++;
            }
            claimed.Add((id, justId ? null : entry));
            StreamPropagation.Claim(ctx, key, group, pending);
            propagateLastId = false;
            ctx.Store.Dirty++;
        }
        if (propagateLastId)
        {
            StreamPropagation.GroupPosition(ctx, key, group);
            ctx.Store.Dirty++;
        }
        StreamIds.AccountMemory(ctx, stream, before);
        ctx.Reply.WriteArrayHeader(claimed.Count);
        foreach ((StreamId id, StreamEntry? entry) in claimed)
        {
            if (entry is { } found)
            {
                StreamIds.WriteEntry(ctx.Reply, found);
            }
            else
            {
                StreamIds.WriteId(ctx.Reply, id);
            }
        }
    }

    [Command("XAUTOCLAIM")]
    public static void XAutoClaim(CommandContext ctx)
    {
        const long AttemptsFactor = 10;
        if (!NumberFormat.TryParseInt64(ctx.Arg(4), out long minIdle))
        {
            ctx.Error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
            return;
        }
        minIdle = Math.Max(0, minIdle);
        if (!StreamIds.TryParseRangeBound(ctx, 5, isStart: true, out StreamId start))
        {
            return;
        }
        long count = 100;
        bool justId = false;
        for (int j = 6; j < ctx.ArgumentCount; j++)
        {
            if (ctx.ArgIs(j, "COUNT"u8) && j + 1 < ctx.ArgumentCount)
            {
                if (!NumberFormat.TryParseInt64(ctx.Arg(j + 1), out count) || count < 1 || count > long.MaxValue / 16)
                {
                    ctx.Error("ERR COUNT must be > 0");
                    return;
                }
                j++;
            }
            else if (ctx.ArgIs(j, "JUSTID"u8))
            {
                justId = true;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (!StreamIds.TryGetStream(ctx, ctx.Arg(1), write: true, out StreamObject? stream, out _))
        {
            return;
        }
        StreamGroup? group = stream?.FindGroup(ctx.ArgBytes(2));
        if (group is null)
        {
            ctx.Error($"NOGROUP No such key '{ctx.ArgString(1)}' or consumer group '{ctx.ArgString(2)}'");
            return;
        }
        byte[] key = ctx.ArgBytes(1);
        byte[] consumerName = ctx.ArgBytes(3);
        long now = ctx.Now;
        long before = stream!.MemoryUsageBytes;
        long attempts = count * AttemptsFactor;
        StreamConsumer? consumer = null;
        var claimed = new List<(StreamId Id, StreamEntry? Entry)>();
        var deleted = new List<StreamId>();
        var candidates = new List<PendingEntry>();
        foreach (PendingEntry pending in group.Pending.Values)
        {
            if (pending.Id >= start)
            {
                candidates.Add(pending);
                if (candidates.Count > attempts)
                {
                    break; // one more than can be examined: the next cursor
                }
            }
        }
        int position = 0;
        while (attempts > 0 && count > 0 && position < candidates.Count)
        {
            attempts--;
            PendingEntry pending = candidates[position++];
            if (!stream.TryGet(pending.Id, out StreamEntry entry))
            {
                StreamPropagation.ClaimDeleted(ctx, key, group, pending);
                group.Acknowledge(pending.Id);
                deleted.Add(pending.Id);
                ctx.Store.Dirty++;
                count--;
                continue;
            }
            if (minIdle > 0 && now - pending.DeliveryTimeMilliseconds < minIdle)
            {
                continue;
            }
            consumer ??= FindOrCreate(ctx, group, consumerName, now);
            group.Assign(pending, consumer);
            pending.DeliveryTimeMilliseconds = now;
            if (!justId)
            {
                pending.DeliveryCount++;
            }
            claimed.Add((pending.Id, justId ? null : entry));
            count--;
            StreamPropagation.Claim(ctx, key, group, pending);
            ctx.Store.Dirty++;
        }
        StreamId cursor = position < candidates.Count ? candidates[position].Id : StreamId.Zero;
        StreamIds.AccountMemory(ctx, stream, before);
        RespWriter reply = ctx.Reply;
        reply.WriteArrayHeader(3);
        StreamIds.WriteId(reply, cursor);
        reply.WriteArrayHeader(claimed.Count);
        foreach ((StreamId id, StreamEntry? entry) in claimed)
        {
            if (entry is { } found)
            {
                StreamIds.WriteEntry(reply, found);
            }
            else
            {
                StreamIds.WriteId(reply, id);
            }
        }
        reply.WriteArrayHeader(deleted.Count);
        foreach (StreamId id in deleted)
        {
            StreamIds.WriteId(reply, id);
        }
    }

    /// <summary>The claiming consumer, created on first use as Redis's streamCreateConsumer (with its event).</summary>
    private static StreamConsumer FindOrCreate(CommandContext ctx, StreamGroup group, byte[] name, long now)
    {
        StreamConsumer? consumer = group.FindConsumer(name);
        if (consumer is not null)
        {
            consumer.SeenTimeMilliseconds = now;
            return consumer;
        }
        ctx.Notify(Cairn.Commands.PubSub.KeyspaceEvents.Stream, "xgroup-createconsumer", ctx.Arg(1));
        return group.CreateConsumer(name, now)!;
    }
}
