using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Strings;

/// <summary>GET and the SET family (t_string.c): SET, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX.</summary>
internal static class StringCommands
{
    [Command("GET")]
    public static void Get(CommandContext ctx)
    {
        int index = ctx.LookupRead(ctx.Arg(1));
        if (index < 0)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (ctx.Database.EntryAt(index).TryGetString(out ReadOnlySpan<byte> value))
        {
            ctx.Reply.WriteBulkString(value);
            return;
        }
        ctx.WrongType();
    }

    [Command("SET")]
    public static void Set(CommandContext ctx)
    {
        if (ctx.ArgumentCount == 3)
        {
            // The common case: at most one allocation (key and value in one array), none when an existing string keeps its length.
            ReadOnlySpan<byte> key = ctx.Arg(1);
            ctx.Database.SetString(key, ctx.Arg(2), 0, keepTtl: false, ctx.Now);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.String, "set", key);
            ctx.Reply.WriteOk();
            return;
        }
        if (!ExpireArguments.TryParse(ctx, 3, forSet: true, out SetFlags flags, out int expireIndex))
        {
            return;
        }
        SetGeneric(ctx, flags, expireIndex, 2, integerReply: false);
    }

    [Command("SETNX")]
    public static void SetNx(CommandContext ctx) => SetGeneric(ctx, SetFlags.Nx, 0, 2, integerReply: true);

    [Command("SETEX")]
    public static void SetEx(CommandContext ctx) => SetGeneric(ctx, SetFlags.Ex, 2, 3, integerReply: false);

    [Command("PSETEX")]
    public static void PSetEx(CommandContext ctx) => SetGeneric(ctx, SetFlags.Px, 2, 3, integerReply: false);

    /// <summary>
    /// setGenericCommand: validates the expire time, answers GET's old value, honours NX/XX, then stores. The reply is OK
    /// (or 1 for SETNX) on success and null (0) when NX/XX stops the write; with GET only the old value is replied.
    /// </summary>
    private static void SetGeneric(CommandContext ctx, SetFlags flags, int expireIndex, int valueIndex, bool integerReply)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        long deadline = 0;
        if (expireIndex != 0 && !ExpireArguments.TryGetDeadline(ctx, expireIndex, flags, out deadline))
        {
            return;
        }
        bool get = (flags & SetFlags.Get) != 0;
        if (get && !StringValues.ReplyValue(ctx, key))
        {
            return;
        }
        Database db = ctx.Database;
        bool found = ctx.LookupWrite(key) >= 0;
        if (((flags & SetFlags.Nx) != 0 && found) || ((flags & SetFlags.Xx) != 0 && !found))
        {
            if (get)
            {
                return;
            }
            if (integerReply)
            {
                ctx.Reply.WriteInteger(0);
            }
            else
            {
                ctx.Reply.WriteNull();
            }
            return;
        }
        db.SetString(key, ctx.Arg(valueIndex), deadline, (flags & SetFlags.KeepTtl) != 0, ctx.Now);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.String, "set", key);
        if (expireIndex != 0)
        {
            ctx.Notify(KeyspaceEvents.Generic, "expire", key);
        }
        if (get)
        {
            return;
        }
        if (integerReply)
        {
            ctx.Reply.WriteInteger(1);
        }
        else
        {
            ctx.Reply.WriteOk();
        }
    }

    [Command("GETSET")]
    public static void GetSet(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!StringValues.ReplyValue(ctx, key))
        {
            return;
        }
        ctx.Database.SetString(key, ctx.Arg(2), 0, keepTtl: false, ctx.Now);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.String, "set", key);
    }

    [Command("GETDEL")]
    public static void GetDel(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        int index = ctx.LookupRead(key);
        if (index < 0)
        {
            ctx.Reply.WriteNull();
            return;
        }
        Database db = ctx.Database;
        if (!db.EntryAt(index).TryGetString(out ReadOnlySpan<byte> value))
        {
            ctx.WrongType();
            return;
        }
        ctx.Reply.WriteBulkString(value);
        db.RemoveAt(index);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Generic, "del", key);
    }

    [Command("GETEX")]
    public static void GetEx(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!ExpireArguments.TryParse(ctx, 2, forSet: false, out SetFlags flags, out int expireIndex))
        {
            return;
        }
        int index = ctx.LookupRead(key);
        if (index < 0)
        {
            ctx.Reply.WriteNull();
            return;
        }
        Database db = ctx.Database;
        if (!db.EntryAt(index).TryGetString(out ReadOnlySpan<byte> value))
        {
            ctx.WrongType();
            return;
        }
        long deadline = 0;
        if (expireIndex != 0 && !ExpireArguments.TryGetDeadline(ctx, expireIndex, flags, out deadline))
        {
            return;
        }
        ctx.Reply.WriteBulkString(value);
        if ((flags & (SetFlags.ExAt | SetFlags.PxAt)) != 0 && deadline <= ctx.Now)
        {
            // An absolute time already past deletes the key, as Redis does (and propagates DEL).
            db.RemoveAt(index);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
        }
        else if (expireIndex != 0)
        {
            db.SetExpiry(index, deadline);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Generic, "expire", key);
        }
        else if ((flags & SetFlags.Persist) != 0 && db.ExpiresAt(index) != 0)
        {
            db.SetExpiry(index, 0);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Generic, "persist", key);
        }
    }
}
