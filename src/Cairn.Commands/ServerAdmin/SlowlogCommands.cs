using Cairn.Commands.Execution;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.ServerAdmin;

/// <summary>SLOWLOG GET / LEN / RESET.</summary>
internal static class SlowlogCommands
{
    [Command("SLOWLOG|GET")]
    public static void Get(CommandContext ctx)
    {
        long count = 10;
        if (ctx.ArgumentCount == 3)
        {
            if (!NumberFormat.TryParseInt64(ctx.Arg(2), out count) || count < -1)
            {
                ctx.Error("ERR count should be greater than or equal to -1");
                return;
            }
            if (count == -1)
            {
                count = long.MaxValue;
            }
        }
        else if (ctx.ArgumentCount > 3)
        {
            ctx.WrongArgumentCount();
            return;
        }
        var entries = ctx.Server.SlowLog.Entries.Take((int)Math.Min(count, int.MaxValue)).ToList();
        ctx.Reply.WriteArrayHeader(entries.Count);
        foreach (SlowLogEntry entry in entries)
        {
            ctx.Reply.WriteArrayHeader(6);
            ctx.Reply.WriteInteger(entry.Id);
            ctx.Reply.WriteInteger(entry.UnixSeconds);
            ctx.Reply.WriteInteger(entry.Microseconds);
            ctx.Reply.WriteArrayHeader(entry.Arguments.Length);
            foreach (byte[] argument in entry.Arguments)
            {
                ctx.Reply.WriteBulkString(argument);
            }
            ctx.Reply.WriteBulkString(entry.ClientAddress);
            ctx.Reply.WriteBulkString(entry.ClientName);
        }
    }

    [Command("SLOWLOG|LEN")]
    public static void Length(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Server.SlowLog.Count);

    [Command("SLOWLOG|RESET")]
    public static void Reset(CommandContext ctx)
    {
        ctx.Server.SlowLog.Reset();
        ctx.Reply.WriteOk();
    }

    [Command("SLOWLOG|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "SLOWLOG", ["GET [<count>]", "LEN", "RESET"]);
}
