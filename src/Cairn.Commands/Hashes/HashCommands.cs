using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Commands.Strings;
using Cairn.Engine.Memory.Hashes;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Hashes;

/// <summary>The hash commands with Redis 7's replies, errors and argument order (t_hash.c).</summary>
internal static class HashCommands
{
    [Command("HSET")]
    public static void HSet(CommandContext ctx) => SetPairs(ctx, replyOk: false);

    [Command("HMSET")]
    public static void HMSet(CommandContext ctx) => SetPairs(ctx, replyOk: true);

    private static void SetPairs(CommandContext ctx, bool replyOk)
    {
        if (ctx.ArgumentCount % 2 == 1)
        {
            ctx.WrongArgumentCount();
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!HashAccess.TryFindForWrite(ctx, key, out _, out HashObject? found))
        {
            return;
        }
        int pairs = (ctx.ArgumentCount - 2) / 2;
        int longest = 0;
        int packedBytes = 0;
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            ReadOnlySpan<byte> argument = ctx.Arg(i);
            longest = Math.Max(longest, argument.Length);
            packedBytes += HashObject.PackedSize(argument);
        }
        // A new small hash is built in place in its key's array (then stored like an existing one); a new big one as an
        // object that Store adds.
        bool created = found is null && !HashObject.StartsEmbedded(pairs, packedBytes, longest);
        HashObject hash = found
            ?? (created ? new HashObject() : ctx.Database.CreateHashView(key, packedBytes));
        long before = hash.MemoryUsageBytes;
        hash.ConvertIfLongerThanLimit(longest);
        if (created)
        {
            hash.ReserveForPairs(pairs, packedBytes);
        }
        long added = 0;
        for (int i = 2; i < ctx.ArgumentCount; i += 2)
        {
            if (hash.Set(ctx.Arg(i), ctx.Arg(i + 1)))
            {
                added++;
            }
        }
        HashAccess.Store(ctx, key, hash, created, before);
        if (replyOk)
        {
            ctx.Reply.WriteOk();
        }
        else
        {
            ctx.Reply.WriteInteger(added);
        }
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Hash, "hset", key);
    }

    [Command("HSETNX")]
    public static void HSetNx(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!HashAccess.TryFindOrCreate(ctx, key, out HashObject hash, out bool created, out long before))
        {
            return;
        }
        if (hash.Find(ctx.Arg(2)) >= 0)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        hash.Set(ctx.Arg(2), ctx.Arg(3));
        HashAccess.Store(ctx, key, hash, created, before);
        ctx.Reply.WriteInteger(1);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Hash, "hset", key);
    }

    [Command("HGET")]
    public static void HGet(CommandContext ctx)
    {
        if (!HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? hash))
        {
            return;
        }
        if (hash is not null && hash.TryGet(ctx.Arg(2), out ReadOnlySpan<byte> value))
        {
            ctx.Reply.WriteBulkString(value);
        }
        else
        {
            ctx.Reply.WriteNull();
        }
    }

    [Command("HMGET")]
    public static void HMGet(CommandContext ctx)
    {
        if (!HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? hash))
        {
            return;
        }
        ctx.Reply.WriteArrayHeader(ctx.ArgumentCount - 2);
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            if (hash is not null && hash.TryGet(ctx.Arg(i), out ReadOnlySpan<byte> value))
            {
                ctx.Reply.WriteBulkString(value);
            }
            else
            {
                ctx.Reply.WriteNull();
            }
        }
    }

    [Command("HDEL")]
    public static void HDel(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!HashAccess.TryFindForWrite(ctx, key, out int index, out HashObject? hash))
        {
            return;
        }
        if (hash is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long before = hash.MemoryUsageBytes;
        long deleted = 0;
        for (int i = 2; i < ctx.ArgumentCount && hash.Count > 0; i++)
        {
            if (hash.Remove(ctx.Arg(i)))
            {
                deleted++;
            }
        }
        ctx.Reply.WriteInteger(deleted);
        if (deleted == 0)
        {
            return;
        }
        bool removed = hash.Count == 0;
        if (removed)
        {
            if (!hash.IsView)
            {
                ctx.Store.AdjustMemory(hash.MemoryUsageBytes - before); // RemoveAt subtracts what it holds now
            }
            ctx.Database.RemoveAt(index);
        }
        else
        {
            HashAccess.Store(ctx, key, hash, created: false, before);
        }
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Hash, "hdel", key);
        if (removed)
        {
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
        }
    }

    [Command("HLEN")]
    public static void HLen(CommandContext ctx)
    {
        if (HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? hash))
        {
            ctx.Reply.WriteInteger(hash?.Count ?? 0);
        }
    }

    [Command("HSTRLEN")]
    public static void HStrLen(CommandContext ctx)
    {
        if (HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? hash))
        {
            ctx.Reply.WriteInteger(hash is not null && hash.TryGet(ctx.Arg(2), out ReadOnlySpan<byte> value) ? value.Length : 0);
        }
    }

    [Command("HEXISTS")]
    public static void HExists(CommandContext ctx)
    {
        if (HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? hash))
        {
            ctx.Reply.WriteInteger(hash is not null && hash.Find(ctx.Arg(2)) >= 0 ? 1 : 0);
        }
    }

    [Command("HKEYS")]
    public static void HKeys(CommandContext ctx) => WriteAll(ctx, fields: true, values: false);

    [Command("HVALS")]
    public static void HVals(CommandContext ctx) => WriteAll(ctx, fields: false, values: true);

    [Command("HGETALL")]
    public static void HGetAll(CommandContext ctx) => WriteAll(ctx, fields: true, values: true);

    private static void WriteAll(CommandContext ctx, bool fields, bool values)
    {
        if (!HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? hash))
        {
            return;
        }
        int count = hash?.Count ?? 0;
        if (fields && values)
        {
            ctx.Reply.WriteMapHeader(count);
        }
        else
        {
            ctx.Reply.WriteArrayHeader(count);
        }
        if (hash is null)
        {
            return;
        }
        for (int p = hash.NextPosition(0); p >= 0; p = hash.NextPosition(p + 1))
        {
            if (fields)
            {
                ctx.Reply.WriteBulkString(hash.FieldAt(p));
            }
            if (values)
            {
                ctx.Reply.WriteBulkString(hash.ValueAt(p));
            }
        }
    }

    [Command("HINCRBY")]
    public static void HIncrBy(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(3, out long increment))
        {
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!HashAccess.TryFindOrCreate(ctx, key, out HashObject hash, out bool created, out long before))
        {
            return;
        }
        long current = 0;
        if (hash.TryGet(ctx.Arg(2), out ReadOnlySpan<byte> existing) && !NumberFormat.TryParseInt64(existing, out current))
        {
            ctx.Error("ERR hash value is not an integer");
            return;
        }
        if ((increment < 0 && current < 0 && increment < long.MinValue - current)
            || (increment > 0 && current > 0 && increment > long.MaxValue - current))
        {
            ctx.Error("ERR increment or decrement would overflow");
            return;
        }
        long result = current + increment;
        hash.Set(ctx.Arg(2), NumberFormat.Int64ToBytes(result));
        HashAccess.Store(ctx, key, hash, created, before);
        ctx.Reply.WriteInteger(result);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Hash, "hincrby", key);
    }

    [Command("HINCRBYFLOAT")]
    public static void HIncrByFloat(CommandContext ctx)
    {
        // As Redis: the increment and the field's value are long doubles (INCRBYFLOAT's ExtendedDouble), so 1.1 + 2.2
        // is "3.3" here too, not a double's 3.3000000000000003.
        if (!ExtendedDouble.TryParse(ctx.Arg(3), out ExtendedDouble increment))
        {
            ctx.NotFloat();
            return;
        }
        if (!increment.IsFinite)
        {
            ctx.Error("ERR value is NaN or Infinity");
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!HashAccess.TryFindOrCreate(ctx, key, out HashObject hash, out bool created, out long before))
        {
            return;
        }
        ExtendedDouble current = ExtendedDouble.Zero;
        if (hash.TryGet(ctx.Arg(2), out ReadOnlySpan<byte> existing) && !ExtendedDouble.TryParse(existing, out current))
        {
            ctx.Error("ERR hash value is not a float");
            return;
        }
        ExtendedDouble result = ExtendedDouble.Add(current, increment);
        if (!result.IsFinite)
        {
            ctx.Error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] text = result.ToHumanFriendlyBytes();
        hash.Set(ctx.Arg(2), text);
        HashAccess.Store(ctx, key, hash, created, before);
        ctx.Reply.WriteBulkString(text);
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Hash, "hincrbyfloat", key);
    }
}
