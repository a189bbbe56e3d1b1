using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Strings;

/// <summary>MGET, MSET, MSETNX.</summary>
internal static class MultiKeyCommands
{
    [Command("MGET")]
    public static void MGet(CommandContext ctx)
    {
        Database db = ctx.Database;
        ctx.Reply.WriteArrayHeader(ctx.ArgumentCount - 1);
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            int index = ctx.LookupRead(ctx.Arg(i));
            if (index >= 0 && db.EntryAt(index).TryGetString(out ReadOnlySpan<byte> value))
            {
                ctx.Reply.WriteBulkString(value);
            }
            else
            {
                // Missing keys and keys of another type both read as null.
                ctx.Reply.WriteNull();
            }
        }
    }

    [Command("MSET")]
    public static void MSet(CommandContext ctx)
    {
        if (ctx.ArgumentCount % 2 == 0)
        {
            ctx.WrongArgumentCount();
            return;
        }
        SetAll(ctx);
        ctx.Reply.WriteOk();
    }

    [Command("MSETNX")]
    public static void MSetNx(CommandContext ctx)
    {
        if (ctx.ArgumentCount % 2 == 0)
        {
            ctx.WrongArgumentCount();
            return;
        }
        for (int i = 1; i < ctx.ArgumentCount; i += 2)
        {
            if (ctx.LookupWrite(ctx.Arg(i)) >= 0)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
        }
        SetAll(ctx);
        ctx.Reply.WriteInteger(1);
    }

    private static void SetAll(CommandContext ctx)
    {
        Database db = ctx.Database;
        for (int i = 1; i < ctx.ArgumentCount; i += 2)
        {
            ReadOnlySpan<byte> key = ctx.Arg(i);
            db.SetString(key, ctx.Arg(i + 1), 0, keepTtl: false, ctx.Now);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.String, "set", key);
        }
    }
}
