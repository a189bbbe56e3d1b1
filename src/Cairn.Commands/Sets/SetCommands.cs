using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Sets;

namespace Cairn.Commands.Sets;

/// <summary>SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, SMOVE, with Redis 7's replies and events.</summary>
internal static class SetCommands
{
    [Command("SADD")]
    public static void SAdd(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!SetAccess.TryWrite(ctx, key, out _, out SetObject? set))
        {
            return;
        }
        long added = 0;
        if (set is null)
        {
            set = SetObject.CreateFor(ctx.Arg(2), ctx.ArgumentCount - 2);
            added = AddAll(ctx, set);
            ctx.Database.Add(ctx.ArgBytes(1), set, 0);
        }
        else
        {
            long before = set.MemoryUsageBytes;
            added = AddAll(ctx, set);
            ctx.Store.AdjustMemory(set.MemoryUsageBytes - before);
        }
        if (added > 0)
        {
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Set, "sadd", key);
        }
        ctx.Reply.WriteInteger(added);
    }

    [Command("SREM")]
    public static void SRem(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!SetAccess.TryWrite(ctx, key, out _, out SetObject? set))
        {
            return;
        }
        if (set is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long before = set.MemoryUsageBytes;
        long removed = 0;
        for (int i = 2; i < ctx.ArgumentCount && set.Count > 0; i++)
        {
            if (set.Remove(ctx.Arg(i)))
            {
                removed++;
            }
        }
        bool keyRemoved = SetAccess.FinishRemoval(ctx, key, set, before);
        if (removed > 0)
        {
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Set, "srem", key);
            if (keyRemoved)
            {
                ctx.Notify(KeyspaceEvents.Generic, "del", key);
            }
        }
        ctx.Reply.WriteInteger(removed);
    }

    [Command("SCARD")]
    public static void SCard(CommandContext ctx)
    {
        if (SetAccess.TryRead(ctx, ctx.Arg(1), out SetObject? set))
        {
            ctx.Reply.WriteInteger(set?.Count ?? 0);
        }
    }

    [Command("SISMEMBER")]
    public static void SIsMember(CommandContext ctx)
    {
        if (SetAccess.TryRead(ctx, ctx.Arg(1), out SetObject? set))
        {
            ctx.Reply.WriteInteger(set is not null && set.Contains(ctx.Arg(2)) ? 1 : 0);
        }
    }

    [Command("SMISMEMBER")]
    public static void SMIsMember(CommandContext ctx)
    {
        if (!SetAccess.TryRead(ctx, ctx.Arg(1), out SetObject? set))
        {
            return;
        }
        ctx.Reply.WriteArrayHeader(ctx.ArgumentCount - 2);
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            ctx.Reply.WriteInteger(set is not null && set.Contains(ctx.Arg(i)) ? 1 : 0);
        }
    }

    [Command("SMEMBERS")]
    public static void SMembers(CommandContext ctx)
    {
        if (!SetAccess.TryRead(ctx, ctx.Arg(1), out SetObject? set))
        {
            return;
        }
        WriteMembers(ctx, set);
    }

    [Command("SMOVE")]
    public static void SMove(CommandContext ctx)
    {
        ReadOnlySpan<byte> sourceKey = ctx.Arg(1);
        ReadOnlySpan<byte> destinationKey = ctx.Arg(2);
        ReadOnlySpan<byte> member = ctx.Arg(3);
        Database db = ctx.Database;
        int sourceSlot = ctx.LookupWrite(sourceKey);
        int destinationSlot = ctx.LookupWrite(destinationKey);
        if (sourceSlot < 0)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (db.EntryAt(sourceSlot).Value is not SetObject source
            || (destinationSlot >= 0 && db.EntryAt(destinationSlot).Value is not SetObject))
        {
            ctx.WrongType();
            return;
        }
        SetObject? destination = destinationSlot >= 0 ? (SetObject)db.EntryAt(destinationSlot).Value : null;
        if (ReferenceEquals(source, destination))
        {
            ctx.Reply.WriteInteger(source.Contains(member) ? 1 : 0);
            return;
        }
        long before = source.MemoryUsageBytes;
        if (!source.Remove(member))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.Notify(KeyspaceEvents.Set, "srem", sourceKey);
        if (SetAccess.FinishRemoval(ctx, sourceKey, source, before))
        {
            ctx.Notify(KeyspaceEvents.Generic, "del", sourceKey);
        }
        ctx.Modified(sourceKey);
        bool added;
        if (destination is null)
        {
            destination = SetObject.CreateFor(member, 1);
            added = destination.Add(member);
            db.Add(ctx.ArgBytes(2), destination, 0);
        }
        else
        {
            long destinationBefore = destination.MemoryUsageBytes;
            added = destination.Add(member);
            ctx.Store.AdjustMemory(destination.MemoryUsageBytes - destinationBefore);
        }
        if (added)
        {
            ctx.Modified(destinationKey);
            ctx.Notify(KeyspaceEvents.Set, "sadd", destinationKey);
        }
        ctx.Reply.WriteInteger(1);
    }

    /// <summary>A set reply (RESP3 '~') of every member in the set's order; an empty set for a missing key.</summary>
    internal static void WriteMembers(CommandContext ctx, SetObject? set)
    {
        if (set is null)
        {
            ctx.Reply.WriteSetHeader(0);
            return;
        }
        ctx.Reply.WriteSetHeader(set.Count);
        foreach (ReadOnlySpan<byte> member in set)
        {
            ctx.Reply.WriteBulkString(member);
        }
    }

    private static long AddAll(CommandContext ctx, SetObject set)
    {
        long added = 0;
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            if (set.Add(ctx.Arg(i)))
            {
                added++;
            }
        }
        return added;
    }
}
