using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Sets;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Sets;

/// <summary>
/// SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE. Every key is type-checked before any work (a
/// missing key is an empty set); results come in Redis's order: SINTER walks the smallest set, SUNION and SDIFF build
/// a new set (intset first, growing as members arrive) and reply in its order.
/// </summary>
internal static class SetAlgebraCommands
{
    [Command("SINTER")]
    public static void SInter(CommandContext ctx)
    {
        if (TryLoad(ctx, 1, ctx.ArgumentCount - 1, out SetObject?[] sets))
        {
            List<byte[]> members = Intersect(sets, long.MaxValue);
            ctx.Reply.WriteSetHeader(members.Count);
            foreach (byte[] member in members)
            {
                ctx.Reply.WriteBulkString(member);
            }
        }
    }

    [Command("SINTERSTORE")]
    public static void SInterStore(CommandContext ctx)
    {
        if (TryLoad(ctx, 2, ctx.ArgumentCount - 2, out SetObject?[] sets))
        {
            SetObject result = SetObject.CreateIntset();
            foreach (byte[] member in Intersect(sets, long.MaxValue))
            {
                result.Add(member);
            }
            Store(ctx, result, "sinterstore");
        }
    }

    [Command("SINTERCARD")]
    public static void SInterCard(CommandContext ctx)
    {
        const string NumKeysError = "ERR numkeys should be greater than 0";
        if (!NumberFormat.TryParseInt64(ctx.Arg(1), out long keyCount) || keyCount < 1)
        {
            ctx.Error(NumKeysError);
            return;
        }
        if (keyCount > ctx.ArgumentCount - 2)
        {
            ctx.Error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int i = 2 + (int)keyCount; i < ctx.ArgumentCount; i++)
        {
            if (ctx.ArgIs(i, "LIMIT"u8) && i + 1 < ctx.ArgumentCount)
            {
                i++;
                if (!NumberFormat.TryParseInt64(ctx.Arg(i), out limit) || limit < 0)
                {
                    ctx.Error("ERR LIMIT can't be negative");
                    return;
                }
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (TryLoad(ctx, 2, (int)keyCount, out SetObject?[] sets))
        {
            ctx.Reply.WriteInteger(Intersect(sets, limit == 0 ? long.MaxValue : limit).Count);
        }
    }

    [Command("SUNION")]
    public static void SUnion(CommandContext ctx)
    {
        if (TryLoad(ctx, 1, ctx.ArgumentCount - 1, out SetObject?[] sets))
        {
            SetCommands.WriteMembers(ctx, Union(sets));
        }
    }

    [Command("SUNIONSTORE")]
    public static void SUnionStore(CommandContext ctx)
    {
        if (TryLoad(ctx, 2, ctx.ArgumentCount - 2, out SetObject?[] sets))
        {
            Store(ctx, Union(sets), "sunionstore");
        }
    }

    [Command("SDIFF")]
    public static void SDiff(CommandContext ctx)
    {
        if (TryLoad(ctx, 1, ctx.ArgumentCount - 1, out SetObject?[] sets))
        {
            SetCommands.WriteMembers(ctx, Difference(sets));
        }
    }

    [Command("SDIFFSTORE")]
    public static void SDiffStore(CommandContext ctx)
    {
        if (TryLoad(ctx, 2, ctx.ArgumentCount - 2, out SetObject?[] sets))
        {
            Store(ctx, Difference(sets), "sdiffstore");
        }
    }

    private static bool TryLoad(CommandContext ctx, int firstKey, int count, out SetObject?[] sets)
    {
        sets = new SetObject?[count];
        for (int i = 0; i < count; i++)
        {
            if (!SetAccess.TryRead(ctx, ctx.Arg(firstKey + i), out sets[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Members of every set, walking the smallest; stops after <paramref name="limit"/> members.</summary>
    private static List<byte[]> Intersect(SetObject?[] sets, long limit)
    {
        var result = new List<byte[]>();
        foreach (SetObject? set in sets)
        {
            if (set is null)
            {
                return result;
            }
        }
        // Stable insertion sort by size: the smallest set drives the walk.
        var ordered = new SetObject[sets.Length];
        for (int i = 0; i < sets.Length; i++)
        {
            SetObject set = sets[i]!;
            int j = i;
            while (j > 0 && ordered[j - 1].Count > set.Count)
            {
                ordered[j] = ordered[j - 1];
                j--;
            }
            ordered[j] = set;
        }
        foreach (ReadOnlySpan<byte> member in ordered[0])
        {
            bool inAll = true;
            for (int j = 1; j < ordered.Length && inAll; j++)
            {
                inAll = ReferenceEquals(ordered[j], ordered[0]) || ordered[j].Contains(member);
            }
            if (inAll)
            {
                result.Add(member.ToArray());
                if (result.Count >= limit)
                {
                    break;
                }
            }
        }
        return result;
    }

    private static SetObject Union(SetObject?[] sets)
    {
        SetObject result = SetObject.CreateIntset();
        foreach (SetObject? set in sets)
        {
            if (set is null)
            {
                continue;
            }
            foreach (ReadOnlySpan<byte> member in set)
            {
                result.Add(member);
            }
        }
        return result;
    }

    private static SetObject Difference(SetObject?[] sets)
    {
        SetObject result = SetObject.CreateIntset();
        SetObject? first = sets[0];
        if (first is null)
        {
            return result;
        }
        foreach (ReadOnlySpan<byte> member in first)
        {
            bool elsewhere = false;
            for (int j = 1; j < sets.Length && !elsewhere; j++)
            {
                elsewhere = sets[j] is { } other && (ReferenceEquals(other, first) || other.Contains(member));
            }
            if (!elsewhere)
            {
                result.Add(member);
            }
        }
        return result;
    }

    private static void Store(CommandContext ctx, SetObject result, string eventName)
    {
        DestinationWriter.Store(ctx, ctx.Arg(1), result, KeyspaceEvents.Set, eventName);
        ctx.Reply.WriteInteger(result.Count);
    }
}
