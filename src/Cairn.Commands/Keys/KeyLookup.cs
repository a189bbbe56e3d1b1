using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Keys;

/// <summary>
/// Look-ups the keyspace commands need beyond <see cref="CommandContext.LookupRead"/>: Redis's LOOKUP_NOTOUCH reads
/// (EXISTS, TYPE, TTL, OBJECT) count hits and misses but leave the access clock alone.
/// </summary>
internal static class KeyLookup
{
    /// <summary>A read that counts statistics without touching the access clock; -1 when missing or expired.</summary>
    public static int ReadNoTouch(CommandContext ctx, ReadOnlySpan<byte> key, bool notifyMiss = true)
    {
        int index = ctx.Database.Find(key, ctx.Now);
        if (index < 0)
        {
            ctx.Store.Stats.KeyspaceMisses++;
            if (notifyMiss && ctx.Server.Notifier.IsEnabled(KeyspaceEvents.KeyMiss))
            {
                ctx.Notify(KeyspaceEvents.KeyMiss, "keymiss", key);
            }
            return -1;
        }
        ctx.Store.Stats.KeyspaceHits++;
        return index;
    }

    /// <summary>True when the key at a slot is past its deadline (present but logically gone, as keyIsExpired).</summary>
    public static bool IsExpired(Database db, int index, long nowMilliseconds)
    {
        long deadline = db.ExpiresAt(index);
        return deadline != 0 && deadline <= nowMilliseconds;
    }

    /// <summary>A private copy of a value for COPY: strings are byte arrays that writers may change in place.</summary>
    public static object Duplicate(object value) => value is byte[] bytes ? bytes.AsSpan().ToArray() : ((DataObject)value).Clone();

    /// <summary>
    /// Redis's getIntFromObjectOrReply: a long that must fit an int. Writes <paramref name="message"/> (or Redis's
    /// default texts) and returns false otherwise.
    /// </summary>
    public static bool TryGetInt32(CommandContext ctx, int argument, out int value, string? message = null)
    {
        value = 0;
        if (!NumberFormat.TryParseInt64(ctx.Arg(argument), out long parsed))
        {
            if (message is null)
            {
                ctx.NotInteger();
            }
            else
            {
                ctx.Error(message);
            }
            return false;
        }
        if (parsed is < int.MinValue or > int.MaxValue)
        {
            ctx.Error(message ?? "ERR value is out of range, value must between -2147483648 and 2147483647");
            return false;
        }
        value = (int)parsed;
        return true;
    }
}
