using System.Globalization;
using Cairn.Commands.Execution;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Lists;

/// <summary>Redis's getTimeoutFromObjectOrReply in seconds, for the blocking commands.</summary>
internal static class BlockingTimeout
{
    /// <summary>
    /// Parses a timeout in (fractional) seconds into an absolute Unix ms deadline, 0 meaning forever. Sub-millisecond
    /// timeouts round up to 1 ms so that they do not block forever. Replies Redis's error and returns false when invalid.
    /// </summary>
    public static bool TryParse(CommandContext ctx, int argIndex, out long deadlineMilliseconds)
    {
        deadlineMilliseconds = 0;
        if (!TryParseSeconds(ctx.Arg(argIndex), out double seconds))
        {
            ctx.Error("ERR timeout is not a float or out of range");
            return false;
        }
        double milliseconds = seconds * 1000.0;
        if (milliseconds > long.MaxValue)
        {
            ctx.Error("ERR timeout is out of range");
            return false;
        }
        milliseconds = Math.Ceiling(milliseconds);
        if (milliseconds < 0)
        {
            ctx.Error("ERR timeout is negative");
            return false;
        }
        long timeout = (long)milliseconds;
        if (timeout > 0)
        {
            if (timeout > long.MaxValue - ctx.Now)
            {
                ctx.Error("ERR timeout is out of range");
                return false;
            }
            timeout += ctx.Now;
        }
        deadlineMilliseconds = timeout;
        return true;
    }

    /// <summary>strtold as string2ld uses it: decimal and also hexadecimal ("0x1F") numbers.</summary>
    private static bool TryParseSeconds(ReadOnlySpan<byte> text, out double seconds)
    {
        if (NumberFormat.TryParseDouble(text, out seconds))
        {
            return true;
        }
        bool negative = text.Length > 0 && text[0] == '-';
        ReadOnlySpan<byte> rest = negative || (text.Length > 0 && text[0] == '+') ? text[1..] : text;
        if (rest.Length > 2 && rest.Length <= 18 && rest[0] == '0' && (rest[1] | 0x20) == 'x'
            && ulong.TryParse(System.Text.Encoding.ASCII.GetString(rest[2..]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex))
        {
            seconds = negative ? -(double)hex : hex;
            return true;
        }
        return false;
    }
}
