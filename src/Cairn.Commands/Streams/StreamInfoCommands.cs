using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Streams;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Streams;

/// <summary>XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS, HELP, with Redis 7.0's fields.</summary>
internal static class StreamInfoCommands
{
    private static readonly string[] s_help =
    [
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
    ];

    [Command("XINFO|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "XINFO", s_help);

    [Command("XINFO|STREAM")]
    public static void Stream(CommandContext ctx)
    {
        bool full = false;
        long count = 10;
        if (ctx.ArgumentCount > 3)
        {
            if (ctx.ArgumentCount != 4 && ctx.ArgumentCount != 6 || !ctx.ArgIs(3, "FULL"u8))
            {
                ctx.SyntaxError();
                return;
            }
            full = true;
            if (ctx.ArgumentCount == 6)
            {
                if (!ctx.ArgIs(4, "COUNT"u8))
                {
                    ctx.SyntaxError();
                    return;
                }
                if (!ctx.TryGetInt64(5, out count))
                {
                    return;
                }
                if (count < 0)
                {
                    count = 10;
                }
            }
        }
        if (!TryGetExisting(ctx, out StreamObject? stream))
        {
            return;
        }
        RespWriter reply = ctx.Reply;
        reply.WriteMapHeader(full ? 9 : 10);
        reply.WriteBulkString("length");
        reply.WriteInteger(stream!.Length);
        reply.WriteBulkString("radix-tree-keys");
        reply.WriteInteger(stream.NodeCount);
        reply.WriteBulkString("radix-tree-nodes");
        reply.WriteInteger(stream.NodeCount == 0 ? 1 : stream.NodeCount * 2);
        reply.WriteBulkString("last-generated-id");
        StreamIds.WriteId(reply, stream.LastId);
        reply.WriteBulkString("max-deleted-entry-id");
        StreamIds.WriteId(reply, stream.MaxDeletedId);
        reply.WriteBulkString("entries-added");
        reply.WriteInteger(stream.EntriesAdded);
        reply.WriteBulkString("recorded-first-entry-id");
        StreamIds.WriteId(reply, stream.FirstId);
        if (!full)
        {
            reply.WriteBulkString("groups");
            reply.WriteInteger(stream.GroupCount);
            var edge = new List<StreamEntry>(1);
            reply.WriteBulkString("first-entry");
            stream.Range(StreamId.Zero, StreamId.Max, 1, reverse: false, edge);
            WriteEntryOrNull(reply, edge);
            edge.Clear();
            reply.WriteBulkString("last-entry");
            stream.Range(StreamId.Zero, StreamId.Max, 1, reverse: true, edge);
            WriteEntryOrNull(reply, edge);
            return;
        }
        var entries = new List<StreamEntry>();
        stream.Range(StreamId.Zero, StreamId.Max, count, reverse: false, entries);
        reply.WriteBulkString("entries");
        StreamIds.WriteEntries(reply, entries);
        reply.WriteBulkString("groups");
        reply.WriteArrayHeader(stream.GroupCount);
        foreach (StreamGroup group in stream.Groups)
        {
            reply.WriteMapHeader(7);
            reply.WriteBulkString("name");
            reply.WriteBulkString(group.Name);
            reply.WriteBulkString("last-delivered-id");
            StreamIds.WriteId(reply, group.LastId);
            WriteEntriesReadAndLag(reply, stream, group);
            reply.WriteBulkString("pel-count");
            reply.WriteInteger(group.Pending.Count);
            reply.WriteBulkString("pending");
            long pendingShown = count == 0 ? group.Pending.Count : Math.Min(count, group.Pending.Count);
            reply.WriteArrayHeader(pendingShown);
            long shown = 0;
            foreach (PendingEntry pending in group.Pending.Values)
            {
                if (shown++ == pendingShown)
                {
                    break;
                }
                reply.WriteArrayHeader(4);
                StreamIds.WriteId(reply, pending.Id);
                reply.WriteBulkString(pending.Consumer.Name);
                reply.WriteInteger(pending.DeliveryTimeMilliseconds);
                reply.WriteInteger(pending.DeliveryCount);
            }
            reply.WriteBulkString("consumers");
            reply.WriteArrayHeader(group.Consumers.Count);
            foreach (StreamConsumer consumer in group.Consumers.Values)
            {
                reply.WriteMapHeader(4);
                reply.WriteBulkString("name");
                reply.WriteBulkString(consumer.Name);
                reply.WriteBulkString("seen-time");
                reply.WriteInteger(consumer.SeenTimeMilliseconds);
                reply.WriteBulkString("pel-count");
                reply.WriteInteger(consumer.Pending.Count);
                reply.WriteBulkString("pending");
                long consumerShown = count == 0 ? consumer.Pending.Count : Math.Min(count, consumer.Pending.Count);
                reply.WriteArrayHeader(consumerShown);
                long written = 0;
                foreach (PendingEntry pending in consumer.Pending.Values)
                {
                    if (written++ == consumerShown)
                    {
                        break;
                    }
                    reply.WriteArrayHeader(3);
                    StreamIds.WriteId(reply, pending.Id);
                    reply.WriteInteger(pending.DeliveryTimeMilliseconds);
                    reply.WriteInteger(pending.DeliveryCount);
                }
            }
        }
    }

    [Command("XINFO|GROUPS")]
    public static void Groups(CommandContext ctx)
    {
        if (!TryGetExisting(ctx, out StreamObject? stream))
        {
            return;
        }
        RespWriter reply = ctx.Reply;
        reply.WriteArrayHeader(stream!.GroupCount);
        foreach (StreamGroup group in stream.Groups)
        {
            reply.WriteMapHeader(6);
            reply.WriteBulkString("name");
            reply.WriteBulkString(group.Name);
            reply.WriteBulkString("consumers");
            reply.WriteInteger(group.Consumers.Count);
            reply.WriteBulkString("pending");
            reply.WriteInteger(group.Pending.Count);
            reply.WriteBulkString("last-delivered-id");
            StreamIds.WriteId(reply, group.LastId);
            WriteEntriesReadAndLag(reply, stream, group);
        }
    }

    [Command("XINFO|CONSUMERS")]
    public static void Consumers(CommandContext ctx)
    {
        if (!TryGetExisting(ctx, out StreamObject? stream))
        {
            return;
        }
        StreamGroup? group = stream!.FindGroup(ctx.ArgBytes(3));
        if (group is null)
        {
            ctx.Error($"NOGROUP No such consumer group '{ctx.ArgString(3)}' for key name '{ctx.ArgString(2)}'");
            return;
        }
        RespWriter reply = ctx.Reply;
        reply.WriteArrayHeader(group.Consumers.Count);
        foreach (StreamConsumer consumer in group.Consumers.Values)
        {
            reply.WriteMapHeader(3);
            reply.WriteBulkString("name");
            reply.WriteBulkString(consumer.Name);
            reply.WriteBulkString("pending");
            reply.WriteInteger(consumer.Pending.Count);
            reply.WriteBulkString("idle");
            reply.WriteInteger(Math.Max(0, ctx.Now - consumer.SeenTimeMilliseconds));
        }
    }

    private static void WriteEntriesReadAndLag(RespWriter reply, StreamObject stream, StreamGroup group)
    {
        reply.WriteBulkString("entries-read");
        if (group.EntriesRead != StreamGroup.UnknownEntriesRead)
        {
            reply.WriteInteger(group.EntriesRead);
        }
        else
        {
            reply.WriteNull();
        }
        reply.WriteBulkString("lag");
        if (stream.LagOf(group) is { } lag)
        {
            reply.WriteInteger(lag);
        }
        else
        {
            reply.WriteNull();
        }
    }

    private static void WriteEntryOrNull(RespWriter reply, List<StreamEntry> edge)
    {
        if (edge.Count == 0)
        {
            reply.WriteNull();
        }
        else
        {
            StreamIds.WriteEntry(reply, edge[0]);
        }
    }

    private static bool TryGetExisting(CommandContext ctx, out StreamObject? stream)
    {
        if (!StreamIds.TryGetStream(ctx, ctx.Arg(2), write: false, out stream, out _))
        {
            return false;
        }
        if (stream is null)
        {
            ctx.Error("ERR no such key");
            return false;
        }
        return true;
    }
}
