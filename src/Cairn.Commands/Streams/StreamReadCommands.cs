using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Streams;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Streams;

/// <summary>
/// XREAD and XREADGROUP (xreadCommand). Blocking follows the brief: with nothing to serve and BLOCK given, the handler
/// sets <see cref="CommandContext.Block"/> and is re-run when a stream changes. '$' is pinned to the ID it resolved to
/// when the client first blocked by rewriting the argument, so a re-run does not move it.
/// </summary>
internal static class StreamReadCommands
{
    private static readonly StreamId s_newEntries = StreamId.Max; // '>' of XREADGROUP

    [Command("XREAD")]
    public static void XRead(CommandContext ctx) => ReadGeneric(ctx, group: false);

    [Command("XREADGROUP")]
    public static void XReadGroup(CommandContext ctx) => ReadGeneric(ctx, group: true);

    private static void ReadGeneric(CommandContext ctx, bool group)
    {
        long timeout = -1;
        long count = 0;
        int streamsIndex = 0;
        int streamCount = 0;
        bool noAck = false;
        byte[]? groupName = null;
        byte[]? consumerName = null;
        int argc = ctx.ArgumentCount;
        for (int i = 1; i < argc; i++)
        {
            int more = argc - i - 1;
            if (ctx.ArgIs(i, "BLOCK"u8) && more > 0)
            {
                i++;
                if (!NumberFormat.TryParseInt64(ctx.Arg(i), out timeout))
                {
                    ctx.Error("ERR timeout is not an integer or out of range");
                    return;
                }
                if (timeout < 0)
                {
                    ctx.Error("ERR timeout is negative");
                    return;
                }
            }
            else if (ctx.ArgIs(i, "COUNT"u8) && more > 0)
            {
                i++;
                if (!ctx.TryGetInt64(i, out count))
                {
                    return;
                }
                if (count < 0)
                {
                    count = 0;
                }
            }
            else if (ctx.ArgIs(i, "STREAMS"u8) && more > 0)
            {
                streamsIndex = i + 1;
                streamCount = argc - streamsIndex;
                if (streamCount % 2 != 0)
                {
                    ctx.Error(group
                        ? "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified."
                        : "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.");
                    return;
                }
                streamCount /= 2;
                break;
            }
            else if (ctx.ArgIs(i, "GROUP"u8) && more >= 2)
            {
                if (!group)
                {
                    ctx.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                groupName = ctx.ArgBytes(i + 1);
                consumerName = ctx.ArgBytes(i + 2);
                i += 2;
            }
            else if (ctx.ArgIs(i, "NOACK"u8))
            {
                if (!group)
                {
                    ctx.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                noAck = true;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (streamsIndex == 0)
        {
            ctx.SyntaxError();
            return;
        }
        if (group && groupName is null)
        {
            ctx.Error("ERR Missing GROUP option for XREADGROUP");
            return;
        }

        var ids = new StreamId[streamCount];
        var groups = new StreamGroup?[streamCount];
        var streams = new StreamObject?[streamCount];
        for (int s = 0; s < streamCount; s++)
        {
            int keyIndex = streamsIndex + s;
            int idIndex = keyIndex + streamCount;
            if (!StreamIds.TryGetStream(ctx, ctx.Arg(keyIndex), write: group, out StreamObject? stream, out int slot))
            {
                return;
            }
            if (group && stream is not null && ctx.Database.Tracker is { } tracker)
            {
                // XREADGROUP's keys follow STREAMS, so the dispatcher cannot find them for a running snapshot.
                tracker.BeforeChange(ctx.Database, slot);
            }
            streams[s] = stream;
            if (groupName is not null)
            {
                groups[s] = stream?.FindGroup(groupName);
                if (groups[s] is null)
                {
                    ctx.Error($"NOGROUP No such key '{ctx.ArgString(keyIndex)}' or consumer group '{StreamIds.Text(groupName)}' in XREADGROUP with GROUP option");
                    return;
                }
            }
            ReadOnlySpan<byte> idText = ctx.Arg(idIndex);
            if (idText.Length == 1 && idText[0] == '$')
            {
                if (group)
                {
                    ctx.Error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
                    return;
                }
                ids[s] = stream?.LastId ?? StreamId.Zero;
                continue;
            }
            if (idText.Length == 1 && idText[0] == '>')
            {
                if (!group)
                {
                    ctx.Error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
                    return;
                }
                ids[s] = s_newEntries;
                continue;
            }
            if (!StreamIds.TryParseStrict(ctx, idIndex, out ids[s]))
            {
                return;
            }
        }

        // Serve what can be served now; each served stream is one (key, entries) element of the reply.
        var served = new List<(int Stream, List<StreamEntry>? Entries, List<(StreamId Id, StreamEntry? Entry)>? History)>();
        for (int s = 0; s < streamCount; s++)
        {
            StreamObject? stream = streams[s];
            if (stream is null)
            {
                continue;
            }
            StreamGroup? consumerGroup = groups[s];
            if (consumerGroup is null)
            {
                if (stream.Length > 0 && stream.LastEntryId > ids[s] && ids[s].TryIncrement(out StreamId from))
                {
                    var entries = new List<StreamEntry>();
                    stream.Range(from, StreamId.Max, count, reverse: false, entries);
                    served.Add((s, entries, null));
                }
                continue;
            }
            byte[] key = ctx.ArgBytes(streamsIndex + s);
            if (ids[s] == s_newEntries)
            {
                if (stream.Length > 0 && stream.LastEntryId > consumerGroup.LastId)
                {
                    StreamConsumer consumer = FindOrCreateConsumer(ctx, key, consumerGroup, consumerName!);
                    served.Add((s, DeliverNew(ctx, key, stream, consumerGroup, consumer, count, noAck), null));
                }
                continue;
            }
            StreamConsumer historyConsumer = FindOrCreateConsumer(ctx, key, consumerGroup, consumerName!);
            served.Add((s, null, DeliverHistory(ctx, key, stream, consumerGroup, historyConsumer, ids[s], count)));
        }

        if (served.Count > 0)
        {
            WriteReply(ctx, streamsIndex, served);
            return;
        }
        if (timeout >= 0 && !ctx.InExec)
        {
            var keys = new byte[streamCount][];
            for (int s = 0; s < streamCount; s++)
            {
                keys[s] = ctx.ArgBytes(streamsIndex + s);
                int idIndex = streamsIndex + streamCount + s;
                if (!group && ctx.Arg(idIndex) is [(byte)'$'])
                {
                    ctx.Arguments.Set(idIndex, ids[s].ToBytes());
                }
            }
            long deadline = timeout == 0 ? 0 : ctx.Now + timeout;
            ctx.Block = new BlockRequest(keys, deadline, TimeoutReply.NullArray) { IndependentOfOtherWaiters = true };
            return;
        }
        ctx.Reply.WriteNullArray();
    }

    private static StreamConsumer FindOrCreateConsumer(CommandContext ctx, byte[] key, StreamGroup group, byte[] name)
    {
        StreamConsumer? consumer = group.FindConsumer(name);
        if (consumer is not null)
        {
            consumer.SeenTimeMilliseconds = ctx.Now;
            return consumer;
        }
        consumer = group.CreateConsumer(name, ctx.Now)!;
        ctx.Store.Dirty++;
        ctx.Notify(KeyspaceEvents.Stream, "xgroup-createconsumer", key);
        StreamPropagation.ConsumerCreated(ctx, key, group, consumer);
        return consumer;
    }

    /// <summary>'>': entries after the group's last ID, which advances; unless NOACK each joins the consumer's PEL.</summary>
    private static List<StreamEntry> DeliverNew(CommandContext ctx, byte[] key, StreamObject stream, StreamGroup group,
        StreamConsumer consumer, long count, bool noAck)
    {
        long before = stream.MemoryUsageBytes;
        var entries = new List<StreamEntry>();
        if (group.LastId.TryIncrement(out StreamId from))
        {
            stream.Range(from, StreamId.Max, count, reverse: false, entries);
        }
        foreach (StreamEntry entry in entries)
        {
            stream.AdvanceGroup(group, entry.Id);
            if (!noAck)
            {
                PendingEntry pending = group.Deliver(entry.Id, consumer, ctx.Now, 1);
                StreamPropagation.Claim(ctx, key, group, pending);
            }
        }
        if (entries.Count > 0)
        {
            StreamPropagation.GroupPosition(ctx, key, group);
            ctx.Store.Dirty++;
        }
        StreamIds.AccountMemory(ctx, stream, before);
        return entries;
    }

    /// <summary>An ID: the consumer's own pending entries after it; each is delivered again (time now, count + 1).</summary>
    private static List<(StreamId Id, StreamEntry? Entry)> DeliverHistory(CommandContext ctx, byte[] key, StreamObject stream,
        StreamGroup group, StreamConsumer consumer, StreamId after, long count)
    {
        var result = new List<(StreamId, StreamEntry?)>();
        if (!after.TryIncrement(out StreamId from))
        {
            return result;
        }
        foreach (PendingEntry pending in consumer.Pending.Values)
        {
            if (pending.Id < from)
            {
                continue;
            }
            if (count > 0 && result.Count == count)
            {
                break;
            }
            result.Add((pending.Id, stream.TryGet(pending.Id, out StreamEntry entry) ? entry : null));
            pending.DeliveryTimeMilliseconds = ctx.Now;
            pending.DeliveryCount++;
            StreamPropagation.Claim(ctx, key, group, pending);
        }
        if (result.Count > 0)
        {
            ctx.Store.Dirty++;
        }
        return result;
    }

    private static void WriteReply(CommandContext ctx, int streamsIndex,
        List<(int Stream, List<StreamEntry>? Entries, List<(StreamId Id, StreamEntry? Entry)>? History)> served)
    {
        RespWriter reply = ctx.Reply;
        bool map = reply.IsResp3;
        if (map)
        {
            reply.WriteMapHeader(served.Count);
        }
        else
        {
            reply.WriteArrayHeader(served.Count);
        }
        foreach ((int stream, List<StreamEntry>? entries, List<(StreamId Id, StreamEntry? Entry)>? history) in served)
        {
            if (!map)
            {
                reply.WriteArrayHeader(2);
            }
            reply.WriteBulkString(ctx.Arg(streamsIndex + stream));
            if (entries is not null)
            {
                StreamIds.WriteEntries(reply, entries);
                continue;
            }
            reply.WriteArrayHeader(history!.Count);
            foreach ((StreamId id, StreamEntry? entry) in history)
            {
                if (entry is { } found)
                {
                    StreamIds.WriteEntry(reply, found);
                }
                else
                {
                    reply.WriteArrayHeader(2);
                    StreamIds.WriteId(reply, id);
                    reply.WriteNullArray();
                }
            }
        }
    }
}
