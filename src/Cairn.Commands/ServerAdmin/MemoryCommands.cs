using Cairn.Commands.Execution;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.ServerAdmin;

/// <summary>MEMORY USAGE / STATS / DOCTOR.</summary>
internal static class MemoryCommands
{
    [Command("MEMORY|USAGE")]
    public static void Usage(CommandContext ctx)
    {
        if (ctx.ArgumentCount != 3 && !(ctx.ArgumentCount == 5 && ctx.ArgIs(3, "SAMPLES"u8)))
        {
            ctx.SyntaxError();
            return;
        }
        int index = ctx.Database.Find(ctx.Arg(2), ctx.Now);
        if (index < 0)
        {
            ctx.Reply.WriteNull();
            return;
        }
        Database db = ctx.Database;
        long bytes = db.MemoryUsageAt(index);
        ctx.Reply.WriteInteger(bytes);
    }

    [Command("MEMORY|STATS")]
    public static void Stats(CommandContext ctx)
    {
        long used = ctx.Store.UsedMemoryBytes;
        long keys = ctx.Store.TotalKeys();
        ctx.Reply.WriteMapHeader(5);
        ctx.Reply.WriteBulkString("peak.allocated"u8);
        ctx.Reply.WriteInteger(Math.Max(used, ctx.Server.PeakMemoryBytes));
        ctx.Reply.WriteBulkString("total.allocated"u8);
        ctx.Reply.WriteInteger(used);
        ctx.Reply.WriteBulkString("keys.count"u8);
        ctx.Reply.WriteInteger(keys);
        ctx.Reply.WriteBulkString("keys.bytes-per-key"u8);
        ctx.Reply.WriteInteger(keys == 0 ? 0 : used / keys);
        ctx.Reply.WriteBulkString("dataset.bytes"u8);
        ctx.Reply.WriteInteger(used);
    }

    [Command("MEMORY|DOCTOR")]
    public static void Doctor(CommandContext ctx) =>
        ctx.Reply.WriteVerbatimString("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");

    [Command("MEMORY|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "MEMORY",
        ["DOCTOR", "STATS", "USAGE <key> [SAMPLES <count>]"]);
}
