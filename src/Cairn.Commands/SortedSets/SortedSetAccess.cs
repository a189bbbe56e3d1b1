using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.SortedSets;

namespace Cairn.Commands.SortedSets;

/// <summary>Key look-ups typed as sorted sets, and the reply shapes sorted-set commands share.</summary>
internal static class SortedSetAccess
{
    /// <summary>Looks a key up for reading. False (WRONGTYPE written) when it holds another type.</summary>
    public static bool TryRead(CommandContext ctx, ReadOnlySpan<byte> key, out SortedSetObject? set)
    {
        set = null;
        int slot = ctx.LookupRead(key);
        if (slot < 0)
        {
            return true;
        }
        if (ctx.Database.EntryAt(slot).Value is SortedSetObject found)
        {
            set = found;
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>Looks a key up for writing. False (WRONGTYPE written) when it holds another type.</summary>
    public static bool TryWrite(CommandContext ctx, ReadOnlySpan<byte> key, out SortedSetObject? set)
    {
        set = null;
        int slot = ctx.LookupWrite(key);
        if (slot < 0)
        {
            return true;
        }
        if (ctx.Database.EntryAt(slot).Value is SortedSetObject found)
        {
            set = found;
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>After elements were removed in place: accounts the memory change and deletes the key if it is empty.</summary>
    public static bool FinishRemoval(CommandContext ctx, ReadOnlySpan<byte> key, SortedSetObject set, long memoryBefore)
    {
        ctx.Store.AdjustMemory(set.MemoryUsageBytes - memoryBefore);
        if (set.Length != 0)
        {
            return false;
        }
        Database db = ctx.Database;
        db.RemoveAt(db.FindRaw(key));
        return true;
    }

    /// <summary>
    /// The array header for <paramref name="count"/> elements: RESP2 flattens member/score pairs (2n), RESP3 nests them.
    /// </summary>
    public static void WriteElementsHeader(CommandContext ctx, long count, bool withScores) =>
        ctx.Reply.WriteArrayHeader(withScores && !ctx.Reply.IsResp3 ? count * 2 : count);

    /// <summary>One element of a range reply: the member, or with scores [member, score] (nested in RESP3).</summary>
    public static void WriteElement(CommandContext ctx, in SortedSetEntry entry, bool withScores)
    {
        var batch = new BulkStringBatch(ctx.Reply);
        WriteElement(ref batch, entry, withScores);
        batch.Flush();
    }

    /// <summary>As <see cref="WriteElement(CommandContext, in SortedSetEntry, bool)"/>, into a batch (a reply's run of elements).</summary>
    public static void WriteElement(ref BulkStringBatch batch, in SortedSetEntry entry, bool withScores)
    {
        if (withScores && batch.IsResp3)
        {
            batch.WriteArrayHeader(2);
        }
        batch.Write(entry.Member);
        if (withScores)
        {
            batch.WriteDouble(entry.Score);
        }
    }
}
