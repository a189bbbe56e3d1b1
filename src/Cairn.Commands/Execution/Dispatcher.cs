using System.Diagnostics;
using System.Text;
using Cairn.Commands.Clients;
using Cairn.Commands.Specs;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Execution;

/// <summary>
/// Runs one request the way Redis's processCommand does: look-up, arity, authentication, subscribed-context and MULTI
/// checks (with Redis's error texts), then the handler, then statistics, slow log and MONITOR feed, then clients blocked
/// on keys the command made ready. REQUIRES: the caller holds the store lock.
/// </summary>
public static class Dispatcher
{
    public static void Execute(CommandContext ctx)
    {
        CommandArguments args = ctx.Arguments;
        if (args.Count == 0)
        {
            return;
        }
        ServerContext server = ctx.Server;
        Client client = ctx.Client;
        ctx.Now = ctx.BatchClock != 0 ? ctx.BatchClock : server.NowMilliseconds;
        client.LastInteractionMilliseconds = ctx.Now;

        CommandSpec? spec = ctx.FindCommand(args[0]);
        if (spec is null)
        {
            RejectInMulti(ctx);
            ctx.Error(UnknownCommandMessage(args));
            return;
        }
        if (spec.Subcommands is not null && (spec.Handler is null || args.Count >= 2))
        {
            if (args.Count < 2)
            {
                RejectInMulti(ctx);
                ctx.Error($"ERR wrong number of arguments for '{spec.Name}' command");
                return;
            }
            CommandSpec? sub = CommandTable.FindSubcommand(spec, args[1]);
            if (sub is null)
            {
                RejectInMulti(ctx);
                ctx.Error($"ERR unknown subcommand '{Truncate(args[1], 128)}'. Try {spec.Name.ToUpperInvariant()} HELP.");
                return;
            }
            spec = sub;
        }
        ctx.Spec = spec;
        if (!spec.AcceptsArgumentCount(args.Count))
        {
            RejectInMulti(ctx);
            spec.Statistics.RejectedCalls++;
            ctx.Error($"ERR wrong number of arguments for '{spec.FullName}' command");
            return;
        }
        if (!client.Authenticated && !spec.Has(CommandFlags.NoAuth))
        {
            RejectInMulti(ctx);
            spec.Statistics.RejectedCalls++;
            ctx.Error("NOAUTH Authentication required.");
            return;
        }
        if (client.InSubscribedContext && !spec.Has(CommandFlags.AllowedInSubscribe))
        {
            spec.Statistics.RejectedCalls++;
            ctx.Error($"ERR Can't execute '{spec.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (client.InMulti && !IsTransactionControl(spec))
        {
            if (spec.Has(CommandFlags.NoMulti))
            {
                RejectInMulti(ctx);
                ctx.Error($"ERR Command not allowed inside a transaction");
                return;
            }
            client.Queue.Add(new QueuedCommand(spec, args.ToOwnedArray()));
            ctx.Reply.WriteQueued();
            return;
        }
        if (spec.Has(CommandFlags.Write) && server.Aof?.Writer.LastError is { } aofError)
        {
            RejectInMulti(ctx);
            ctx.Error("MISCONF Errors writing to the AOF file: " + aofError);
            return;
        }
        if (server.Store.Eviction.MaxMemoryBytes > 0 && !server.Evictor.EnsureWithinLimit(server.Store.Random, ctx.Now)
            && spec.Has(CommandFlags.DenyOom))
        {
            RejectInMulti(ctx);
            spec.Statistics.RejectedCalls++;
            ctx.Error("OOM command not allowed when used memory > 'maxmemory'.");
            return;
        }
        if (server.Cluster is { } cluster && cluster.TryRoute(ctx, spec))
        {
            return;
        }
        long ticketBefore = server.Lsm?.LastTicket ?? 0;
        Call(ctx, spec);
        if (server.Blocking.HasReadyKeys)
        {
            ServeBlocked(server);
        }
        // Storage lsm: the keys this command (or EXEC, or the blocked clients it served) changed reach the LSM's log
        // before the caller can send the reply (and, under appendfsync always, the reply waits for the group fsync).
        if (server.Lsm is { } lsm)
        {
            lsm.Commit();
            if (lsm.LastTicket > ticketBefore)
            {
                ctx.DurabilityTicket = lsm.LastTicket; // this command's batch, or one written by clients it served
            }
            ctx.WritePacingDelay += lsm.Lsm.TakePacingDelay();
        }
    }

    /// <summary>Runs a handler with accounting; used for direct calls, EXEC's queued commands and blocked clients.</summary>
    public static void Call(CommandContext ctx, CommandSpec spec)
    {
        ServerContext server = ctx.Server;
        ctx.Spec = spec;
        ctx.Client.CurrentCommand = spec;
        long errorsBefore = server.Stats.ErrorReplies;
        long dirtyBefore = server.Store.Dirty;
        ctx.Propagated = null;
        if (ctx.Database.Tracker is { } tracker && spec.Has(CommandFlags.Write))
        {
            SaveKeysBeforeWrite(ctx, spec, tracker);
        }
        long started = ctx.ClockMark != 0 ? ctx.ClockMark : Stopwatch.GetTimestamp();
        spec.Handler!(ctx);
        if (server.Lsm is { } lsm && server.Store.Dirty != dirtyBefore && spec.Has(CommandFlags.Write))
        {
            lsm.OnWriteCommand(ctx, spec); // changes that only count as dirty (XGROUP, XREADGROUP...) reach the LSM too
        }
        if (server.Aof is { } aof && !ctx.Loading && ctx.Block is null && server.Store.Dirty != dirtyBefore
            && (spec.Has(CommandFlags.Write) || ctx.Propagated is not null))
        {
            aof.Log(ctx);
        }
        long finished = Stopwatch.GetTimestamp();
        if (ctx.ClockMark != 0)
        {
            ctx.ClockMark = finished;
        }
        long microseconds = (long)Stopwatch.GetElapsedTime(started, finished).TotalMicroseconds;
        ctx.Client.CurrentCommand = null;
        ctx.Client.LastCommand = spec.FullName;
        if (ctx.Block is not null)
        {
            return; // counted when it is served
        }
        spec.Statistics.Calls++;
        spec.Statistics.Microseconds += microseconds;
        if (server.Stats.ErrorReplies != errorsBefore)
        {
            spec.Statistics.FailedCalls++;
        }
        server.Stats.CommandsProcessed++;
        long threshold = server.Config.SlowlogLogSlowerThanMicroseconds;
        if (threshold >= 0 && microseconds >= threshold && !spec.Has(CommandFlags.SkipSlowlog))
        {
            server.SlowLog.Add(ctx.Arguments, microseconds, ctx.Now / 1000, ctx.Client.Connection.RemoteAddress,
                ctx.Client.Name ?? "", server.Config.SlowlogMaxLength);
        }
        if (server.Monitors.Count > 0 && !spec.Has(CommandFlags.SkipMonitor) && !spec.Has(CommandFlags.Admin))
        {
            FeedMonitors(ctx);
        }
    }

    /// <summary>
    /// A snapshot is running: let it save the old values of the keys this write may mutate in place before it runs
    /// (replacements and removals are caught in the database itself).
    /// </summary>
    private static void SaveKeysBeforeWrite(CommandContext ctx, CommandSpec spec, Cairn.Engine.Memory.Keyspace.IWriteTracker tracker)
    {
        CommandArguments args = ctx.Arguments;
        foreach (int position in KeyPositions.Of(spec, args.Count, args.GetMemory))
        {
            int slot = ctx.Database.FindRaw(args[position]);
            if (slot >= 0)
            {
                tracker.BeforeChange(ctx.Database, slot);
            }
        }
    }

    /// <summary>Re-runs the commands of clients blocked on keys that became ready.</summary>
    public static void ServeBlocked(ServerContext server)
    {
        server.Blocking.ServeReadyKeys(request =>
        {
            bool served = false;
            request.Client.Connection.Push(request, (_, r) =>
            {
                CommandContext c = r.Context;
                c.Arguments.SetFrom(r.Arguments);
                c.Block = null;
                c.Now = c.Server.NowMilliseconds;
                long ticketBefore = c.Server.Lsm?.LastTicket ?? 0;
                Call(c, r.Spec);
                // Storage lsm: the served client's reply leaves when this push returns, so the write that woke it and the
                // pop it made reach the LSM's log first (and its fsync, under always: the push holds output for the ticket).
                if (c.Server.Lsm is { } lsm)
                {
                    lsm.Commit();
                    if (lsm.LastTicket > ticketBefore)
                    {
                        c.DurabilityTicket = lsm.LastTicket;
                    }
                }
                if (c.Block is null)
                {
                    served = true;
                }
                c.Block = null;
            });
            return served;
        });
    }

    private static bool IsTransactionControl(CommandSpec spec) =>
        spec.Name is "exec" or "discard" or "multi" or "watch" or "quit" or "reset";

    private static void RejectInMulti(CommandContext ctx)
    {
        if (ctx.Client.InMulti)
        {
            ctx.Client.MultiHadError = true;
        }
    }

    private static string UnknownCommandMessage(CommandArguments args)
    {
        var text = new StringBuilder();
        text.Append("ERR unknown command '").Append(Truncate(args[0], 128)).Append("', with args beginning with: ");
        for (int i = 1; i < args.Count && text.Length < 128 + 60; i++)
        {
            text.Append('\'').Append(Truncate(args[i], Math.Max(0, 128 - text.Length + 60))).Append("' ");
        }
        return text.ToString();
    }

    private static string Truncate(ReadOnlySpan<byte> bytes, int max) =>
        Encoding.UTF8.GetString(bytes.Length > max ? bytes[..max] : bytes);

    private static void FeedMonitors(CommandContext ctx)
    {
        var line = new StringBuilder();
        long now = ctx.Server.Time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 + Random.Shared.Next(0, 1000);
        line.Append(now / 1_000_000).Append('.').Append((now % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
        line.Append(" [").Append(ctx.Client.DatabaseIndex).Append(' ').Append(ctx.Client.Connection.RemoteAddress).Append(']');
        for (int i = 0; i < ctx.Arguments.Count; i++)
        {
            line.Append(' ');
            AppendRepr(line, ctx.Arguments[i]);
        }
        string text = line.ToString();
        foreach (Client monitor in ctx.Server.Monitors.ToArray())
        {
            monitor.Connection.Push(text, static (w, t) => w.WriteSimpleString(t));
        }
    }

    /// <summary>Redis's sdscatrepr: quoted, with escapes for quotes, backslashes and non-printable bytes.</summary>
    public static void AppendRepr(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        text.Append('"');
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\\':
                    text.Append("\\\\");
                    break;
                case (byte)'"':
                    text.Append("\\\"");
                    break;
                case (byte)'\n':
                    text.Append("\\n");
                    break;
                case (byte)'\r':
                    text.Append("\\r");
                    break;
                case (byte)'\t':
                    text.Append("\\t");
                    break;
                case (byte)'\a':
                    text.Append("\\a");
                    break;
                case (byte)'\b':
                    text.Append("\\b");
                    break;
                default:
                    if (b >= 32 && b < 127)
                    {
                        text.Append((char)b);
                    }
                    else
                    {
                        text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    break;
            }
        }
        text.Append('"');
    }
}
