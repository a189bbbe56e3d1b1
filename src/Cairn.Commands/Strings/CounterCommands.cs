using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Strings;

/// <summary>INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.</summary>
internal static class CounterCommands
{
    [Command("INCR")]
    public static void Incr(CommandContext ctx) => IncrementBy(ctx, 1);

    [Command("DECR")]
    public static void Decr(CommandContext ctx) => IncrementBy(ctx, -1);

    [Command("INCRBY")]
    public static void IncrBy(CommandContext ctx)
    {
        if (ctx.TryGetInt64(2, out long increment))
        {
            IncrementBy(ctx, increment);
        }
    }

    [Command("DECRBY")]
    public static void DecrBy(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long decrement))
        {
            return;
        }
        if (decrement == long.MinValue)
        {
            ctx.Error("ERR decrement would overflow");
            return;
        }
        IncrementBy(ctx, -decrement);
    }

    private static void IncrementBy(CommandContext ctx, long increment)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        Database db = ctx.Database;
        int index = ctx.LookupWrite(key);
        long value = 0;
        if (index >= 0)
        {
            if (!db.EntryAt(index).TryGetString(out ReadOnlySpan<byte> old))
            {
                ctx.WrongType();
                return;
            }
            if (!NumberFormat.TryParseInt64(old, out value))
            {
                ctx.NotInteger();
                return;
            }
        }
        if ((increment < 0 && value < 0 && increment < long.MinValue - value)
            || (increment > 0 && value > 0 && increment > long.MaxValue - value))
        {
            ctx.Error("ERR increment or decrement would overflow");
            return;
        }
        value += increment;
        Span<byte> text = stackalloc byte[20];
        text = text[..NumberFormat.FormatInt64(value, text)];
        if (index >= 0)
        {
            db.ReplaceString(index, text);
        }
        else
        {
            db.SetString(key, text, 0, keepTtl: false, ctx.Now);
        }
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.String, "incrby", key);
        ctx.Reply.WriteInteger(value);
    }

    [Command("INCRBYFLOAT")]
    public static void IncrByFloat(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        Database db = ctx.Database;
        int index = ctx.LookupWrite(key);
        ExtendedDouble value = ExtendedDouble.Zero;
        if (index >= 0)
        {
            if (!db.EntryAt(index).TryGetString(out ReadOnlySpan<byte> old))
            {
                ctx.WrongType();
                return;
            }
            if (!ExtendedDouble.TryParse(old, out value))
            {
                ctx.NotFloat();
                return;
            }
        }
        if (!ExtendedDouble.TryParse(ctx.Arg(2), out ExtendedDouble increment))
        {
            ctx.NotFloat();
            return;
        }
        ExtendedDouble sum = ExtendedDouble.Add(value, increment);
        if (!sum.IsFinite)
        {
            ctx.Error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] text = sum.ToHumanFriendlyBytes();
        if (index >= 0)
        {
            db.Replace(index, text);
        }
        else
        {
            db.Add(key.ToArray(), text, 0);
        }
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.String, "incrbyfloat", key);
        ctx.Reply.WriteBulkString(text);
    }
}
