using Cairn.Commands.Execution;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.SortedSets;

/// <summary>Redis's getTimeoutFromObjectOrReply for second-unit timeouts (BZPOPMIN, BZMPOP...).</summary>
internal static class BlockingTimeout
{
    /// <summary>Parses seconds at <paramref name="index"/> into an absolute deadline in Unix ms (0 = forever); false with the error written.</summary>
    public static bool TryParse(CommandContext ctx, int index, out long deadlineMilliseconds)
    {
        deadlineMilliseconds = 0;
        if (!NumberFormat.TryParseDouble(ctx.Arg(index), out double seconds))
        {
            ctx.Error("ERR timeout is not a float or out of range");
            return false;
        }
        double milliseconds = Math.Ceiling(seconds * 1000.0);
        if (milliseconds < 0)
        {
            ctx.Error("ERR timeout is negative");
            return false;
        }
        if (milliseconds > 0)
        {
            if (milliseconds >= long.MaxValue - (double)ctx.Now)
            {
                ctx.Error("ERR timeout is out of range");
                return false;
            }
            deadlineMilliseconds = ctx.Now + (long)milliseconds;
        }
        return true;
    }
}
