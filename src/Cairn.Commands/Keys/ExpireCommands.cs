using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Keys;

/// <summary>EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX|XX|GT|LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST.</summary>
internal static class ExpireCommands
{
    [Flags]
    private enum ExpireOptions
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
    }

    [Command("EXPIRE")]
    public static void Expire(CommandContext ctx) => ExpireGeneric(ctx, ctx.Now, seconds: true);

    [Command("PEXPIRE")]
    public static void PExpire(CommandContext ctx) => ExpireGeneric(ctx, ctx.Now, seconds: false);

    [Command("EXPIREAT")]
    public static void ExpireAt(CommandContext ctx) => ExpireGeneric(ctx, 0, seconds: true);

    [Command("PEXPIREAT")]
    public static void PExpireAt(CommandContext ctx) => ExpireGeneric(ctx, 0, seconds: false);

    /// <summary>
    /// Redis's expireGenericCommand: options, then the number (overflow of the unit conversion or of the base time is an
    /// error), then the key. A deadline already past deletes the key (event "del") and still replies 1.
    /// </summary>
    private static void ExpireGeneric(CommandContext ctx, long baseMilliseconds, bool seconds)
    {
        if (!TryParseOptions(ctx, out ExpireOptions options))
        {
            return;
        }
        if (!ctx.TryGetInt64(2, out long when))
        {
            return;
        }
        if (seconds)
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000)
            {
                InvalidExpireTime(ctx);
                return;
            }
            when *= 1000;
        }
        if (when > long.MaxValue - baseMilliseconds)
        {
            InvalidExpireTime(ctx);
            return;
        }
        when += baseMilliseconds;

        ReadOnlySpan<byte> key = ctx.Arg(1);
        Database db = ctx.Database;
        int index = ctx.LookupWrite(key);
        if (index < 0)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (options != ExpireOptions.None)
        {
            long current = db.ExpiresAt(index); // 0 = no expiry (Redis's -1: an infinite TTL)
            bool refused = ((options & ExpireOptions.Nx) != 0 && current != 0)
                || ((options & ExpireOptions.Xx) != 0 && current == 0)
                || ((options & ExpireOptions.Gt) != 0 && (current == 0 || when <= current))
                || ((options & ExpireOptions.Lt) != 0 && current != 0 && when >= current);
            if (refused)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
        }
        if (when <= ctx.Now)
        {
            db.RemoveAt(index);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
            ctx.Reply.WriteInteger(1);
            return;
        }
        db.SetExpiry(index, when);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Generic, "expire", key);
        ctx.Reply.WriteInteger(1);
    }

    private static bool TryParseOptions(CommandContext ctx, out ExpireOptions options)
    {
        options = ExpireOptions.None;
        for (int i = 3; i < ctx.ArgumentCount; i++)
        {
            if (ctx.ArgIs(i, "NX"u8))
            {
                options |= ExpireOptions.Nx;
            }
            else if (ctx.ArgIs(i, "XX"u8))
            {
                options |= ExpireOptions.Xx;
            }
            else if (ctx.ArgIs(i, "GT"u8))
            {
                options |= ExpireOptions.Gt;
            }
            else if (ctx.ArgIs(i, "LT"u8))
            {
                options |= ExpireOptions.Lt;
            }
            else
            {
                ctx.Error("ERR Unsupported option " + ctx.ArgString(i));
                return false;
            }
        }
        if ((options & ExpireOptions.Nx) != 0 && (options & (ExpireOptions.Xx | ExpireOptions.Gt | ExpireOptions.Lt)) != 0)
        {
            ctx.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return false;
        }
        if ((options & ExpireOptions.Gt) != 0 && (options & ExpireOptions.Lt) != 0)
        {
            ctx.Error("ERR GT and LT options at the same time are not compatible");
            return false;
        }
        return true;
    }

    private static void InvalidExpireTime(CommandContext ctx) =>
        ctx.Error($"ERR invalid expire time in '{ctx.Spec.FullName}' command");

    [Command("TTL")]
    public static void Ttl(CommandContext ctx) => TtlGeneric(ctx, milliseconds: false, absolute: false);

    [Command("PTTL")]
    public static void PTtl(CommandContext ctx) => TtlGeneric(ctx, milliseconds: true, absolute: false);

    [Command("EXPIRETIME")]
    public static void ExpireTime(CommandContext ctx) => TtlGeneric(ctx, milliseconds: false, absolute: true);

    [Command("PEXPIRETIME")]
    public static void PExpireTime(CommandContext ctx) => TtlGeneric(ctx, milliseconds: true, absolute: true);

    /// <summary>-2 for a missing key, -1 without expiry; seconds are rounded to nearest, as Redis's (ttl+500)/1000.</summary>
    private static void TtlGeneric(CommandContext ctx, bool milliseconds, bool absolute)
    {
        int index = KeyLookup.ReadNoTouch(ctx, ctx.Arg(1));
        if (index < 0)
        {
            ctx.Reply.WriteInteger(-2);
            return;
        }
        long expiresAt = ctx.Database.ExpiresAt(index);
        if (expiresAt == 0)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        long ttl = absolute ? expiresAt : expiresAt - ctx.Now;
        if (ttl < 0)
        {
            ttl = 0;
        }
        ctx.Reply.WriteInteger(milliseconds ? ttl : (ttl + 500) / 1000);
    }

    [Command("PERSIST")]
    public static void Persist(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        int index = ctx.LookupWrite(key);
        if (index < 0 || ctx.Database.ExpiresAt(index) == 0)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.Database.SetExpiry(index, 0);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Generic, "persist", key);
        ctx.Reply.WriteInteger(1);
    }
}
