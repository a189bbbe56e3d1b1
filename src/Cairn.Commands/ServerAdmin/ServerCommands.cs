using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.ServerAdmin;

/// <summary>TIME, MONITOR, SHUTDOWN, DEBUG.</summary>
internal static class ServerCommands
{
    [Command("TIME")]
    public static void Time(CommandContext ctx)
    {
        long micros = ctx.Server.Time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 + (Environment.TickCount64 % 1000);
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkInteger(micros / 1_000_000);
        ctx.Reply.WriteBulkInteger(micros % 1_000_000);
    }

    [Command("MONITOR")]
    public static void Monitor(CommandContext ctx)
    {
        if (ctx.Client.InMulti)
        {
            ctx.Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        if (!ctx.Client.IsMonitor)
        {
            ctx.Client.IsMonitor = true;
            ctx.Server.Monitors.Add(ctx.Client);
        }
        ctx.Reply.WriteOk();
    }

    [Command("SHUTDOWN")]
    public static void Shutdown(CommandContext ctx)
    {
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            if (ctx.ArgIs(i, "ABORT"u8))
            {
                ctx.Error("ERR No shutdown in progress.");
                return;
            }
            if (!(ctx.ArgIs(i, "NOSAVE"u8) || ctx.ArgIs(i, "SAVE"u8) || ctx.ArgIs(i, "NOW"u8) || ctx.ArgIs(i, "FORCE"u8)))
            {
                ctx.SyntaxError();
                return;
            }
        }
        bool noSave = false, save = false;
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            noSave |= ctx.ArgIs(i, "NOSAVE"u8);
            save |= ctx.ArgIs(i, "SAVE"u8);
        }
        if (noSave && save)
        {
            ctx.SyntaxError();
            return;
        }
        // Storage lsm: every acknowledged write is already in the LSM; the host closes it cleanly on the way out.
        bool wantSave = ctx.Server.Lsm is null && (save || (!noSave && ctx.Server.Config.Save.Length > 0));
        if (wantSave && !ctx.Server.Snapshots.SaveNow())
        {
            ctx.Error("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        ctx.Server.ShutdownWithoutSave = true; // already saved (or told not to)
        // Like Redis, a successful SHUTDOWN sends no reply: the connection just closes as the node stops.
        ctx.CloseAfterReply = true;
        ctx.Server.ShutdownRequested.Cancel();
    }

    [Command("DEBUG")]
    public static void Debug(CommandContext ctx)
    {
        if (ctx.ArgIs(1, "SLEEP"u8) && ctx.ArgumentCount == 3)
        {
            if (!NumberFormat.TryParseDouble(ctx.Arg(2), out double seconds) || seconds < 0)
            {
                ctx.NotFloat();
                return;
            }
            // Holds the store lock, as Redis's DEBUG SLEEP blocks the whole server.
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(seconds, 3600)));
            ctx.Reply.WriteOk();
        }
        else if (ctx.ArgIs(1, "OBJECT"u8) && ctx.ArgumentCount == 3)
        {
            int index = ctx.Database.Find(ctx.Arg(2), ctx.Now);
            if (index < 0)
            {
                ctx.Error("ERR no such key");
                return;
            }
            ref KeyEntry entry = ref ctx.Database.EntryAt(index);
            string encoding = Keys.ObjectCommands.EncodingOf(ref entry);
            long length = entry.Value is byte[] b ? b.Length : ((DataObject)entry.Value).Length;
            ctx.Reply.WriteSimpleString($"Value at:0x0 refcount:1 encoding:{encoding} serializedlength:{length} lru:{entry.Access & 0xFFFFFF} lru_seconds_idle:{Math.Max(0, (ctx.Store.AccessClockNow() - entry.Access) & 0xFFFFFF)}");
        }
        else if (ctx.ArgIs(1, "SET-ACTIVE-EXPIRE"u8) && ctx.ArgumentCount == 3)
        {
            ctx.Reply.WriteOk();
        }
        else if (ctx.ArgIs(1, "HELP"u8))
        {
            HelpText.Write(ctx, "DEBUG", ["OBJECT <key>", "SLEEP <seconds>"]);
        }
        else
        {
            ctx.Error($"ERR unknown subcommand '{ctx.ArgString(1)}'. Try DEBUG HELP.");
        }
    }
}
