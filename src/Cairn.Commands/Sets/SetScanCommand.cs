using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Sets;
using Cairn.Primitives;

namespace Cairn.Commands.Sets;

/// <summary>SSCAN: compact encodings answer in one call (cursor 0); a hashtable scans by slot index, stable across growth.</summary>
internal static class SetScanCommand
{
    [Command("SSCAN")]
    public static void SScan(CommandContext ctx)
    {
        if (!ScanArguments.TryParseCursor(ctx, out long cursor))
        {
            return;
        }
        if (!SetAccess.TryRead(ctx, ctx.Arg(1), out SetObject? set))
        {
            return;
        }
        if (set is null)
        {
            ScanArguments.WriteEmpty(ctx);
            return;
        }
        if (!ScanArguments.TryParseOptions(ctx, cursor, out ScanArguments arguments))
        {
            return;
        }
        var found = new List<byte[]>();
        long next = set.Scan(arguments.Cursor, arguments.Count, found);
        if (arguments.Pattern is { } pattern)
        {
            found.RemoveAll(member => !GlobPattern.IsMatch(pattern, member));
        }
        ScanArguments.WriteCursor(ctx, next);
        ctx.Reply.WriteArrayHeader(found.Count);
        foreach (byte[] member in found)
        {
            ctx.Reply.WriteBulkString(member);
        }
    }
}
