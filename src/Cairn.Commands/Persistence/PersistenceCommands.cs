using Cairn.Commands.Execution;

namespace Cairn.Commands.Persistence;

/// <summary>SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE.</summary>
internal static class PersistenceCommands
{
    [Command("SAVE")]
    public static void Save(CommandContext ctx)
    {
        if (ctx.Server.Lsm is not null)
        {
            ctx.Error(NoSnapshotsWithLsm);
            return;
        }
        if (ctx.Server.Snapshots.InProgress)
        {
            ctx.Error("ERR Background save already in progress");
            return;
        }
        // Blocks every client until the file is on disk, as Redis's SAVE does.
        if (ctx.Server.Snapshots.SaveNow())
        {
            ctx.Reply.WriteOk();
        }
        else
        {
            ctx.Error("ERR");
        }
    }

    private const string NoSnapshotsWithLsm = "ERR snapshots are not used with storage lsm: every write is already durable in the LSM";

    [Command("BGSAVE")]
    public static void BackgroundSave(CommandContext ctx)
    {
        if (ctx.Server.Lsm is not null)
        {
            ctx.Error(NoSnapshotsWithLsm);
            return;
        }
        if (ctx.ArgumentCount > 2 || (ctx.ArgumentCount == 2 && !ctx.ArgIs(1, "SCHEDULE"u8)))
        {
            ctx.SyntaxError();
            return;
        }
        switch (ctx.Server.Snapshots.TryStartBackground(schedule: ctx.ArgumentCount == 2))
        {
            case BackgroundStart.Started:
                ctx.Reply.WriteSimpleString("Background saving started");
                break;
            case BackgroundStart.Scheduled:
                ctx.Reply.WriteSimpleString("Background saving scheduled");
                break;
            case BackgroundStart.AlreadyRunning:
                ctx.Error("ERR Background save already in progress");
                break;
            default:
                ctx.Error("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
                break;
        }
    }

    [Command("BGREWRITEAOF")]
    public static void BackgroundRewriteAof(CommandContext ctx)
    {
        if (ctx.Server.Aof is not { } aof)
        {
            // Redis rewrites even with appendonly off; Cairn's AOF only exists when it is on.
            ctx.Error("ERR Background append only file rewriting is only available when appendonly is yes");
            return;
        }
        switch (aof.TryStartRewrite())
        {
            case BackgroundStart.Started:
                ctx.Reply.WriteSimpleString("Background append only file rewriting started");
                break;
            case BackgroundStart.Scheduled:
                ctx.Reply.WriteSimpleString("Background append only file rewriting scheduled"); // behind the running BGSAVE
                break;
            default:
                ctx.Error("ERR Background append only file rewriting already in progress");
                break;
        }
    }

    [Command("LASTSAVE")]
    public static void LastSave(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Server.Snapshots.LastSaveUnixSeconds);
}
