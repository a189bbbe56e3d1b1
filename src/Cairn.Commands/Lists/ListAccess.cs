using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Lists;

namespace Cairn.Commands.Lists;

/// <summary>Look-ups and bookkeeping shared by the list commands (t_list.c's listElementsRemoved and friends).</summary>
internal static class ListAccess
{
    /// <summary>
    /// Finds a list for writing. Returns false after replying WRONGTYPE; true with <paramref name="list"/> null when the
    /// key does not exist.
    /// </summary>
    public static bool TryFindForWrite(CommandContext ctx, ReadOnlySpan<byte> key, out int index, out ListObject? list)
    {
        index = ctx.LookupWrite(key);
        return Resolve(ctx, index, out list);
    }

    /// <summary>As <see cref="TryFindForWrite"/>, counting a keyspace hit or miss.</summary>
    public static bool TryFindForRead(CommandContext ctx, ReadOnlySpan<byte> key, out int index, out ListObject? list)
    {
        index = ctx.LookupRead(key);
        return Resolve(ctx, index, out list);
    }

    private static bool Resolve(CommandContext ctx, int index, out ListObject? list)
    {
        list = null;
        if (index < 0)
        {
            return true;
        }
        if (ctx.Database.EntryAt(index).Value is ListObject found)
        {
            list = found;
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>Parses LEFT or RIGHT (getListPositionFromObjectOrReply); replies a syntax error otherwise.</summary>
    public static bool TryParseSide(CommandContext ctx, int argIndex, out bool head)
    {
        head = ctx.ArgIs(argIndex, "LEFT"u8);
        if (head || ctx.ArgIs(argIndex, "RIGHT"u8))
        {
            return true;
        }
        ctx.SyntaxError();
        return false;
    }

    /// <summary>
    /// After elements left a list: the pop event, then deletion of an emptied list (with its "del" event) or the
    /// shrinking conversion, memory accounting and the modification signal.
    /// </summary>
    public static void ElementsRemoved(CommandContext ctx, ReadOnlySpan<byte> key, int index, ListObject list, long memoryBefore, string eventName)
    {
        ctx.Notify(KeyspaceEvents.List, eventName, key);
        Settle(ctx, key, index, list, memoryBefore);
    }

    /// <summary>Accounts a list's memory change and removes it when empty (notifying "del"), then signals the change.</summary>
    private static void Settle(CommandContext ctx, ReadOnlySpan<byte> key, int index, ListObject list, long memoryBefore)
    {
        list.TryShrink();
        ctx.Store.AdjustMemory(list.MemoryUsageBytes - memoryBefore);
        if (list.Count == 0)
        {
            ctx.Database.RemoveAt(index);
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
        }
        ctx.Modified(key);
    }

    /// <summary>Redis's range normalisation for LRANGE/LTRIM: false when the range is empty.</summary>
    public static bool TryNormaliseRange(long start, long end, long length, out int first, out int last)
    {
        if (start < 0)
        {
            start += length;
        }
        if (end < 0)
        {
            end += length;
        }
        if (start < 0)
        {
            start = 0;
        }
        first = 0;
        last = -1;
        if (start > end || start >= length)
        {
            return false;
        }
        if (end >= length)
        {
            end = length - 1;
        }
        first = (int)start;
        last = (int)end;
        return true;
    }

    /// <summary>The distinct keys of arguments [from, to), for a block request.</summary>
    public static List<byte[]> DistinctKeys(CommandContext ctx, int from, int to)
    {
        var keys = new List<byte[]>(to - from);
        for (int i = from; i < to; i++)
        {
            ReadOnlySpan<byte> key = ctx.Arg(i);
            bool seen = false;
            foreach (byte[] existing in keys)
            {
                if (key.SequenceEqual(existing))
                {
                    seen = true;
                    break;
                }
            }
            if (!seen)
            {
                keys.Add(key.ToArray());
            }
        }
        return keys;
    }
}
