using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Keys;

/// <summary>DBSIZE, FLUSHDB, FLUSHALL and SWAPDB: commands on whole databases.</summary>
internal static class DatabaseCommands
{
    [Command("DBSIZE")]
    public static void DbSize(CommandContext ctx) =>
        ctx.Reply.WriteInteger(ctx.Server.Lsm?.KeyCount(ctx.Client.DatabaseIndex) ?? ctx.Database.Count);

    /// <summary>
    /// Clear() breaks WATCHes on keys that existed; the keys removed count as changes (dirty += removed), as emptyData.
    /// ASYNC and SYNC differ only in who frees the memory, which the garbage collector does here either way.
    /// </summary>
    [Command("FLUSHDB")]
    public static void FlushDb(CommandContext ctx)
    {
        if (!TryParseFlushMode(ctx))
        {
            return;
        }
        ctx.Store.Dirty += ctx.Database.Clear();
        ctx.Server.Documents.OnFlush(ctx.Client.DatabaseIndex);
        ctx.Server.Listeners.OnDatabaseCleared(ctx.Database);
        ctx.Reply.WriteOk();
    }

    /// <summary>As flushAllDataAndResetRDB: dirty grows by the keys removed, plus one so the flush itself is counted.</summary>
    [Command("FLUSHALL")]
    public static void FlushAll(CommandContext ctx)
    {
        if (!TryParseFlushMode(ctx))
        {
            return;
        }
        long removed = 0;
        for (int i = 0; i < ctx.Store.DatabaseCount; i++)
        {
            removed += ctx.Store[i].Clear();
            ctx.Server.Documents.OnFlush(i);
            ctx.Server.Listeners.OnDatabaseCleared(ctx.Store[i]);
        }
        ctx.Store.Dirty += removed + 1;
        ctx.Reply.WriteOk();
    }

    private static bool TryParseFlushMode(CommandContext ctx)
    {
        if (ctx.ArgumentCount == 1 || (ctx.ArgumentCount == 2 && (ctx.ArgIs(1, "SYNC"u8) || ctx.ArgIs(1, "ASYNC"u8))))
        {
            return true;
        }
        ctx.SyntaxError();
        return false;
    }

    [Command("SWAPDB")]
    public static void SwapDb(CommandContext ctx)
    {
        if (!KeyLookup.TryGetInt32(ctx, 1, out int first, "ERR invalid first DB index")
            || !KeyLookup.TryGetInt32(ctx, 2, out int second, "ERR invalid second DB index"))
        {
            return;
        }
        int count = ctx.Store.DatabaseCount;
        if (first < 0 || first >= count || second < 0 || second >= count)
        {
            ctx.Error("ERR DB index is out of range");
            return;
        }
        if (first != second)
        {
            ctx.Store.SwapDatabases(first, second);
            ctx.Server.Documents.OnSwap(first, second);
            ctx.Server.Listeners.OnDatabasesSwapped(ctx.Store[first], ctx.Store[second]);
            SignalBlockedKeys(ctx, ctx.Store[first]);
            SignalBlockedKeys(ctx, ctx.Store[second]);
        }
        ctx.Store.Dirty++;
        ctx.Reply.WriteOk();
    }

    /// <summary>
    /// Clients blocked on a key that now exists after the swap must be served (Redis's scanDatabaseForReadyKeys). The
    /// registry offers no per-database listing, so walk the keys, and only when someone is blocked at all.
    /// </summary>
    private static void SignalBlockedKeys(CommandContext ctx, Database db)
    {
        if (ctx.Server.Blocking.BlockedKeys == 0)
        {
            return;
        }
        for (int slot = db.NextSlot(0); slot >= 0; slot = db.NextSlot(slot + 1))
        {
            ctx.Server.Blocking.SignalKeyReady(db.Index, db.KeyAt(slot));
        }
    }
}
