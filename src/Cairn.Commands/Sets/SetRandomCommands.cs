using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Sets;
using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Sets;

/// <summary>SPOP and SRANDMEMBER, with Redis 7's count semantics (negative SRANDMEMBER counts repeat members).</summary>
internal static class SetRandomCommands
{
    private const string MustBePositive = "ERR value is out of range, must be positive";

    // Past this share of the set, SPOP keeps a random remainder instead of popping one by one (Redis's SPOP_MOVE_STRATEGY_MUL).
    private const int PopMoveStrategyFactor = 5;

    // Past this share, distinct SRANDMEMBER samples by removing from a copy (Redis's SRANDMEMBER_SUB_STRATEGY_MUL).
    private const int SampleSubtractStrategyFactor = 3;

    [Command("SPOP")]
    public static void SPop(CommandContext ctx)
    {
        if (ctx.ArgumentCount > 3)
        {
            ctx.SyntaxError();
            return;
        }
        if (ctx.ArgumentCount == 3)
        {
            PopWithCount(ctx);
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!SetAccess.TryWrite(ctx, key, out _, out SetObject? set))
        {
            return;
        }
        if (set is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        long before = set.MemoryUsageBytes;
        byte[] member = set.PopRandom(ctx.Server.Random);
        ctx.PropagateAs("SREM"u8.ToArray(), key.ToArray(), member); // the AOF records the effect, not the random choice
        ctx.Notify(KeyspaceEvents.Set, "spop", key);
        if (SetAccess.FinishRemoval(ctx, key, set, before))
        {
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
        }
        ctx.Modified(key);
        ctx.Reply.WriteBulkString(member);
    }

    [Command("SRANDMEMBER")]
    public static void SRandMember(CommandContext ctx)
    {
        if (ctx.ArgumentCount > 3)
        {
            ctx.SyntaxError();
            return;
        }
        if (ctx.ArgumentCount == 3)
        {
            RandomWithCount(ctx);
            return;
        }
        if (!SetAccess.TryRead(ctx, ctx.Arg(1), out SetObject? set))
        {
            return;
        }
        if (set is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteBulkString(set.RandomMember(ctx.Server.Random));
    }

    private static void PopWithCount(CommandContext ctx)
    {
        if (!NumberFormat.TryParseInt64(ctx.Arg(2), out long count) || count < 0)
        {
            ctx.Error(MustBePositive);
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        if (!SetAccess.TryWrite(ctx, key, out int slot, out SetObject? set))
        {
            return;
        }
        if (set is null || count == 0)
        {
            ctx.Reply.WriteSetHeader(0);
            return;
        }
        IRandomSource random = ctx.Server.Random;
        ctx.Notify(KeyspaceEvents.Set, "spop", key);
        int size = set.Count;
        if (count >= size)
        {
            // The whole set: reply it and delete the key.
            SetCommands.WriteMembers(ctx, set);
            ctx.PropagateAs("DEL"u8.ToArray(), key.ToArray());
            ctx.Database.RemoveAt(slot);
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
            ctx.Modified(key);
            return;
        }
        long before = set.MemoryUsageBytes;
        ctx.Reply.WriteSetHeader(count);
        if (count * PopMoveStrategyFactor <= size || set.Kind != SetEncoding.Hashtable)
        {
            var removed = new List<byte[]>((int)count + 2) { "SREM"u8.ToArray(), key.ToArray() };
            for (long i = 0; i < count; i++)
            {
                byte[] member = set.PopRandom(random);
                removed.Add(member);
                ctx.Reply.WriteBulkString(member);
            }
            ctx.PropagateAs([.. removed]);
            ctx.Store.AdjustMemory(set.MemoryUsageBytes - before);
        }
        else
        {
            // Most of a hashtable goes: move the few survivors into a new set, which may take a compact encoding again
            // (Redis 7.2 rebuilds the remainder the same way).
            var survivors = SetObject.CreateIntset();
            for (int i = size - (int)count; i > 0; i--)
            {
                survivors.Add(set.PopRandom(random));
            }
            var removed = new List<byte[]>((int)count + 2) { "SREM"u8.ToArray(), key.ToArray() };
            foreach (ReadOnlySpan<byte> member in set)
            {
                removed.Add(member.ToArray());
                ctx.Reply.WriteBulkString(member);
            }
            ctx.PropagateAs([.. removed]);
            ctx.Store.AdjustMemory(set.MemoryUsageBytes - before);
            ctx.Database.Replace(slot, survivors);
        }
        ctx.Modified(key);
    }

    private static void RandomWithCount(CommandContext ctx)
    {
        if (!NumberFormat.TryParseInt64(ctx.Arg(2), out long requested))
        {
            ctx.NotInteger();
            return;
        }
        if (requested == long.MinValue)
        {
            ctx.Error("ERR value is out of range, must be between -9223372036854775807 and 9223372036854775807");
            return;
        }
        if (!SetAccess.TryRead(ctx, ctx.Arg(1), out SetObject? set))
        {
            return;
        }
        if (set is null || requested == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        IRandomSource random = ctx.Server.Random;
        if (requested < 0)
        {
            // Negative: that many draws, with repetition.
            long draws = -requested;
            ctx.Reply.WriteArrayHeader(draws);
            for (long i = 0; i < draws; i++)
            {
                ctx.Reply.WriteBulkString(set.RandomMember(random));
            }
            return;
        }
        int size = set.Count;
        if (requested >= size)
        {
            ctx.Reply.WriteArrayHeader(size);
            foreach (ReadOnlySpan<byte> member in set)
            {
                ctx.Reply.WriteBulkString(member);
            }
            return;
        }
        int count = (int)requested;
        ctx.Reply.WriteArrayHeader(count);
        if (count * SampleSubtractStrategyFactor > size)
        {
            // Close to the whole set: drop random members from a copy until count remain.
            List<byte[]> members = set.ToList();
            while (members.Count > count)
            {
                int victim = random.NextInt(members.Count);
                members[victim] = members[^1];
                members.RemoveAt(members.Count - 1);
            }
            foreach (byte[] member in members)
            {
                ctx.Reply.WriteBulkString(member);
            }
            return;
        }
        var chosen = new HashSet<byte[]>(count, ByteArrayComparer.Instance);
        while (chosen.Count < count)
        {
            byte[] member = set.RandomMember(random);
            if (chosen.Add(member))
            {
                ctx.Reply.WriteBulkString(member);
            }
        }
    }
}
