using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Streams;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Streams;

/// <summary>XGROUP's subcommands (xgroupCommand).</summary>
internal static class StreamGroupCommands
{
    private static readonly string[] s_help =
    [
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
    ];

    [Command("XGROUP|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "XGROUP", s_help);

    [Command("XGROUP|CREATE")]
    public static void Create(CommandContext ctx)
    {
        bool makeStream = false;
        long entriesRead = StreamGroup.UnknownEntriesRead;
        if (ctx.ArgumentCount > 8)
        {
            SubcommandSyntaxError(ctx);
            return;
        }
        for (int i = 5; i < ctx.ArgumentCount; i++)
        {
            if (ctx.ArgIs(i, "MKSTREAM"u8))
            {
                makeStream = true;
            }
            else if (ctx.ArgIs(i, "ENTRIESREAD"u8) && i + 1 < ctx.ArgumentCount)
            {
                if (!TryGetEntriesRead(ctx, i + 1, out entriesRead))
                {
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
        ReadOnlySpan<byte> key = ctx.Arg(2);
        if (!StreamIds.TryGetStream(ctx, key, write: true, out StreamObject? stream, out _))
        {
            return;
        }
        if (stream is null && !makeStream)
        {
            KeyMustExist(ctx);
            return;
        }
        StreamId id;
        if (ctx.Arg(4) is [(byte)'$'])
        {
            id = stream?.LastId ?? StreamId.Zero;
        }
        else if (!StreamIds.TryParseStrict(ctx, 4, out id))
        {
            return;
        }
        if (stream is null)
        {
            stream = new StreamObject();
            ctx.Database.Add(ctx.ArgBytes(2), stream, 0);
            ctx.Modified(key);
        }
        long before = stream.MemoryUsageBytes;
        if (stream.CreateGroup(ctx.ArgBytes(3), id, entriesRead) is null)
        {
            ctx.Error("BUSYGROUP Consumer Group name already exists");
            return;
        }
        StreamIds.AccountMemory(ctx, stream, before);
        ctx.Store.Dirty++;
        ctx.Notify(KeyspaceEvents.Stream, "xgroup-create", key);
        ctx.Reply.WriteOk();
    }

    [Command("XGROUP|SETID")]
    public static void SetId(CommandContext ctx)
    {
        long entriesRead = StreamGroup.UnknownEntriesRead;
        if (ctx.ArgumentCount == 7)
        {
            if (!ctx.ArgIs(5, "ENTRIESREAD"u8))
            {
                ctx.SyntaxError();
                return;
            }
            if (!TryGetEntriesRead(ctx, 6, out entriesRead))
            {
                return;
            }
        }
        else if (ctx.ArgumentCount != 5)
        {
            SubcommandSyntaxError(ctx);
            return;
        }
        if (!TryGetGroup(ctx, out StreamObject? stream, out StreamGroup? group))
        {
            return;
        }
        StreamId id;
        if (ctx.Arg(4) is [(byte)'$'])
        {
            id = stream!.LastId;
        }
        else if (!StreamIds.TryParseStrict(ctx, 4, out id))
        {
            return;
        }
        group!.LastId = id;
        group.EntriesRead = entriesRead;
        ctx.Store.Dirty++;
        ctx.Notify(KeyspaceEvents.Stream, "xgroup-setid", ctx.Arg(2));
        ctx.Reply.WriteOk();
    }

    [Command("XGROUP|DESTROY")]
    public static void Destroy(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(2);
        if (!StreamIds.TryGetStream(ctx, key, write: true, out StreamObject? stream, out _))
        {
            return;
        }
        if (stream is null)
        {
            KeyMustExist(ctx);
            return;
        }
        long before = stream.MemoryUsageBytes;
        if (!stream.DestroyGroup(ctx.ArgBytes(3)))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        StreamIds.AccountMemory(ctx, stream, before);
        ctx.Store.Dirty++;
        ctx.Notify(KeyspaceEvents.Stream, "xgroup-destroy", key);
        // Clients blocked in XREADGROUP on this group re-run and get NOGROUP, as Redis's signalKeyAsReady here.
        ctx.Server.Blocking.SignalKeyReady(ctx.Client.DatabaseIndex, key);
        ctx.Reply.WriteInteger(1);
    }

    [Command("XGROUP|CREATECONSUMER")]
    public static void CreateConsumer(CommandContext ctx)
    {
        if (!TryGetGroup(ctx, out StreamObject? stream, out StreamGroup? group))
        {
            return;
        }
        long before = stream!.MemoryUsageBytes;
        if (group!.CreateConsumer(ctx.ArgBytes(4), ctx.Now) is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        StreamIds.AccountMemory(ctx, stream, before);
        ctx.Store.Dirty++;
        ctx.Notify(KeyspaceEvents.Stream, "xgroup-createconsumer", ctx.Arg(2));
        ctx.Reply.WriteInteger(1);
    }

    [Command("XGROUP|DELCONSUMER")]
    public static void DeleteConsumer(CommandContext ctx)
    {
        if (!TryGetGroup(ctx, out StreamObject? stream, out StreamGroup? group))
        {
            return;
        }
        StreamConsumer? consumer = group!.FindConsumer(ctx.ArgBytes(4));
        if (consumer is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long before = stream!.MemoryUsageBytes;
        long pending = group.DeleteConsumer(consumer);
        StreamIds.AccountMemory(ctx, stream, before);
        ctx.Store.Dirty++;
        ctx.Notify(KeyspaceEvents.Stream, "xgroup-delconsumer", ctx.Arg(2));
        ctx.Reply.WriteInteger(pending);
    }

    private static bool TryGetEntriesRead(CommandContext ctx, int index, out long entriesRead)
    {
        if (!ctx.TryGetInt64(index, out entriesRead))
        {
            return false;
        }
        if (entriesRead < 0 && entriesRead != StreamGroup.UnknownEntriesRead)
        {
            ctx.Error("ERR value for ENTRIESREAD must be positive or -1");
            return false;
        }
        return true;
    }

    /// <summary>Key (argument 2) and group (argument 3) that must exist, with Redis's errors.</summary>
    private static bool TryGetGroup(CommandContext ctx, out StreamObject? stream, out StreamGroup? group)
    {
        group = null;
        if (!StreamIds.TryGetStream(ctx, ctx.Arg(2), write: true, out stream, out _))
        {
            return false;
        }
        if (stream is null)
        {
            KeyMustExist(ctx);
            return false;
        }
        group = stream.FindGroup(ctx.ArgBytes(3));
        if (group is null)
        {
            ctx.Error($"NOGROUP No such consumer group '{ctx.ArgString(3)}' for key name '{ctx.ArgString(2)}'");
            return false;
        }
        return true;
    }

    private static void KeyMustExist(CommandContext ctx) =>
        ctx.Error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");

    private static void SubcommandSyntaxError(CommandContext ctx) =>
        ctx.Error($"ERR unknown subcommand or wrong number of arguments for '{ctx.ArgString(1)}'. Try XGROUP HELP.");
}
