using Cairn.Commands.Clients;
using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Transactions;

/// <summary>MULTI, EXEC, DISCARD, WATCH, UNWATCH with Redis's semantics (EXECABORT, WATCH broken by any touch incl. expiry).</summary>
internal static class TransactionCommands
{
    [Command("MULTI")]
    public static void Multi(CommandContext ctx)
    {
        if (ctx.Client.InMulti)
        {
            ctx.Error("ERR MULTI calls can not be nested");
            return;
        }
        ctx.Client.InMulti = true;
        ctx.Client.MultiHadError = false;
        ctx.Client.Queue.Clear();
        ctx.Reply.WriteOk();
    }

    [Command("DISCARD")]
    public static void Discard(CommandContext ctx)
    {
        if (!ctx.Client.InMulti)
        {
            ctx.Error("ERR DISCARD without MULTI");
            return;
        }
        TransactionState.Discard(ctx);
        TransactionState.UnwatchAll(ctx);
        ctx.Reply.WriteOk();
    }

    [Command("EXEC")]
    public static void Exec(CommandContext ctx)
    {
        Client client = ctx.Client;
        if (!client.InMulti)
        {
            ctx.Error("ERR EXEC without MULTI");
            return;
        }
        if (client.MultiHadError)
        {
            TransactionState.Discard(ctx);
            TransactionState.UnwatchAll(ctx);
            ctx.Error("EXECABORT Transaction discarded because of previous errors.");
            return;
        }
        // A watched key that expired since WATCH counts as touched (Redis's isWatchedKeyExpired).
        foreach ((int database, byte[] key) in client.WatchedKeys)
        {
            Database db = ctx.Store[database];
            int index = db.FindRaw(key);
            if (index >= 0)
            {
                long deadline = db.ExpiresAt(index);
                if (deadline != 0 && deadline < ctx.Now)
                {
                    db.Find(key, ctx.Now);
                    client.WatchBroken = true;
                }
            }
        }
        if (client.WatchBroken)
        {
            TransactionState.Discard(ctx);
            TransactionState.UnwatchAll(ctx);
            ctx.Reply.WriteNullArray();
            return;
        }
        List<QueuedCommand> queue = [.. client.Queue];
        TransactionState.Discard(ctx);
        TransactionState.UnwatchAll(ctx);
        ctx.Reply.WriteArrayHeader(queue.Count);
        ctx.InExec = true;
        ctx.AofGroup = ctx.Server.Aof is null ? null : [];
        Cairn.Protocol.Resp.CommandArguments saved = ctx.Arguments;
        var arguments = new Cairn.Protocol.Resp.CommandArguments();
        ctx.Arguments = arguments;
        try
        {
            foreach (QueuedCommand command in queue)
            {
                arguments.SetFrom(command.Arguments);
                ctx.Now = ctx.Server.NowMilliseconds;
                Dispatcher.Call(ctx, command.Spec);
                ctx.Block = null; // blocking commands never block inside EXEC
            }
        }
        finally
        {
            ctx.InExec = false;
            ctx.Arguments = saved;
            if (ctx.AofGroup is { Count: > 0 } group)
            {
                ctx.Server.Aof!.AppendGroup(ctx, group);
            }
            ctx.AofGroup = null;
        }
    }

    [Command("WATCH")]
    public static void Watch(CommandContext ctx)
    {
        if (ctx.Client.InMulti)
        {
            ctx.Error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        Client client = ctx.Client;
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            byte[] key = ctx.ArgBytes(i);
            bool already = false;
            foreach ((int database, byte[] watched) in client.WatchedKeys)
            {
                if (database == client.DatabaseIndex && watched.AsSpan().SequenceEqual(key))
                {
                    already = true;
                    break;
                }
            }
            if (!already)
            {
                client.WatchedKeys.Add((client.DatabaseIndex, key));
                ctx.Database.Watch(key, client);
            }
        }
        ctx.Reply.WriteOk();
    }

    [Command("UNWATCH")]
    public static void Unwatch(CommandContext ctx)
    {
        TransactionState.UnwatchAll(ctx);
        ctx.Reply.WriteOk();
    }
}
