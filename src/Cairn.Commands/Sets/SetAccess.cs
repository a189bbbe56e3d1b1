using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Sets;

namespace Cairn.Commands.Sets;

/// <summary>Key look-ups typed as sets: a missing key is null, a key of another type answers WRONGTYPE.</summary>
internal static class SetAccess
{
    /// <summary>Looks a key up for reading. False (WRONGTYPE written) when it holds another type.</summary>
    public static bool TryRead(CommandContext ctx, ReadOnlySpan<byte> key, out SetObject? set)
    {
        set = null;
        int slot = ctx.LookupRead(key);
        if (slot < 0)
        {
            return true;
        }
        if (ctx.Database.EntryAt(slot).Value is SetObject found)
        {
            set = found;
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>Looks a key up for writing. False (WRONGTYPE written) when it holds another type; slot -1 when missing.</summary>
    public static bool TryWrite(CommandContext ctx, ReadOnlySpan<byte> key, out int slot, out SetObject? set)
    {
        set = null;
        slot = ctx.LookupWrite(key);
        if (slot < 0)
        {
            return true;
        }
        if (ctx.Database.EntryAt(slot).Value is SetObject found)
        {
            set = found;
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>After members were removed in place: accounts the memory change and deletes the key if it is empty.</summary>
    public static bool FinishRemoval(CommandContext ctx, ReadOnlySpan<byte> key, SetObject set, long memoryBefore)
    {
        ctx.Store.AdjustMemory(set.MemoryUsageBytes - memoryBefore);
        if (set.Count != 0)
        {
            return false;
        }
        Database db = ctx.Database;
        db.RemoveAt(db.FindRaw(key));
        return true;
    }
}
