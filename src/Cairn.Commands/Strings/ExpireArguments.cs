using Cairn.Commands.Execution;

namespace Cairn.Commands.Strings;

/// <summary>
/// Parses the extended arguments of SET and GETEX and turns an expire argument into an absolute deadline, with Redis's
/// rules (parseExtendedStringArgumentsOrReply and getExpireMillisecondsOrReply in t_string.c).
/// </summary>
internal static class ExpireArguments
{
    /// <summary>
    /// Reads options from <paramref name="first"/> on. SET accepts NX XX GET KEEPTTL EX PX EXAT PXAT, GETEX accepts
    /// EX PX EXAT PXAT PERSIST. Conflicting options are a syntax error; a repeated one is accepted (the last wins).
    /// </summary>
    public static bool TryParse(CommandContext ctx, int first, bool forSet, out SetFlags flags, out int expireIndex)
    {
        flags = SetFlags.None;
        expireIndex = 0;
        for (int j = first; j < ctx.ArgumentCount; j++)
        {
            bool hasNext = j + 1 < ctx.ArgumentCount;
            if (forSet && ctx.ArgIs(j, "NX"u8) && (flags & SetFlags.Xx) == 0)
            {
                flags |= SetFlags.Nx;
            }
            else if (forSet && ctx.ArgIs(j, "XX"u8) && (flags & SetFlags.Nx) == 0)
            {
                flags |= SetFlags.Xx;
            }
            else if (forSet && ctx.ArgIs(j, "GET"u8))
            {
                flags |= SetFlags.Get;
            }
            else if (forSet && ctx.ArgIs(j, "KEEPTTL"u8) && (flags & (SetFlags.Persist | SetFlags.AnyExpire)) == 0)
            {
                flags |= SetFlags.KeepTtl;
            }
            else if (!forSet && ctx.ArgIs(j, "PERSIST"u8) && (flags & (SetFlags.AnyExpire | SetFlags.KeepTtl)) == 0)
            {
                flags |= SetFlags.Persist;
            }
            else if (hasNext && TryExpireKeyword(ctx, j, out SetFlags unit) && (flags & (SetFlags.KeepTtl | SetFlags.Persist | (SetFlags.AnyExpire & ~unit))) == 0)
            {
                flags |= unit;
                expireIndex = ++j;
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        return true;
    }

    private static bool TryExpireKeyword(CommandContext ctx, int index, out SetFlags unit)
    {
        unit = ctx.ArgIs(index, "EX"u8) ? SetFlags.Ex
            : ctx.ArgIs(index, "PX"u8) ? SetFlags.Px
            : ctx.ArgIs(index, "EXAT"u8) ? SetFlags.ExAt
            : ctx.ArgIs(index, "PXAT"u8) ? SetFlags.PxAt
            : SetFlags.None;
        return unit != SetFlags.None;
    }

    /// <summary>
    /// The absolute deadline in Unix ms for the expire argument at <paramref name="index"/>, given its unit in
    /// <paramref name="flags"/>. Writes "ERR value is not an integer..." or "ERR invalid expire time in '...' command".
    /// </summary>
    public static bool TryGetDeadline(CommandContext ctx, int index, SetFlags flags, out long deadlineMilliseconds)
    {
        deadlineMilliseconds = 0;
        if (!ctx.TryGetInt64(index, out long value))
        {
            return false;
        }
        bool seconds = (flags & (SetFlags.Ex | SetFlags.ExAt)) != 0;
        if (value <= 0 || (seconds && value > long.MaxValue / 1000))
        {
            InvalidExpireTime(ctx);
            return false;
        }
        if (seconds)
        {
            value *= 1000;
        }
        if ((flags & (SetFlags.Ex | SetFlags.Px)) != 0)
        {
            // Redis adds mstime() and refuses a sum that wrapped negative.
            if (value > long.MaxValue - ctx.Now)
            {
                InvalidExpireTime(ctx);
                return false;
            }
            value += ctx.Now;
        }
        deadlineMilliseconds = value;
        return true;
    }

    public static void InvalidExpireTime(CommandContext ctx) =>
        ctx.Error($"ERR invalid expire time in '{ctx.Spec.FullName}' command");
}
