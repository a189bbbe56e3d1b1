using Cairn.Commands.Execution;

namespace Cairn.Commands.Sort;

/// <summary>
/// SORT's options, parsed as sort.c does: left to right, later ASC/DESC win, LIMIT takes two integers ("ERR value is not
/// an integer or out of range"), a keyword missing its arguments or anything unknown is "ERR syntax error", and SORT_RO
/// does not know STORE at all (so STORE is a syntax error there).
/// </summary>
internal sealed class SortOptions
{
    public bool Descending { get; private set; }

    public bool Alpha { get; set; }

    public long LimitStart { get; private set; }

    public long LimitCount { get; private set; } = -1;

    public byte[]? StoreKey { get; private set; }

    public SortPattern? ByPattern { get; set; }

    /// <summary>BY was given a pattern without '*': keep the value's own order.</summary>
    public bool DontSort { get; set; }

    public List<SortPattern> GetPatterns { get; } = [];

    /// <summary>Parses arguments 2.. of the command. False when an error reply was written.</summary>
    public static bool TryParse(CommandContext ctx, bool readOnly, out SortOptions options)
    {
        options = new SortOptions();
        int count = ctx.ArgumentCount;
        for (int j = 2; j < count; j++)
        {
            int left = count - j - 1;
            if (ctx.ArgIs(j, "ASC"u8))
            {
                options.Descending = false;
            }
            else if (ctx.ArgIs(j, "DESC"u8))
            {
                options.Descending = true;
            }
            else if (ctx.ArgIs(j, "ALPHA"u8))
            {
                options.Alpha = true;
            }
            else if (ctx.ArgIs(j, "LIMIT"u8) && left >= 2)
            {
                if (!ctx.TryGetInt64(j + 1, out long start) || !ctx.TryGetInt64(j + 2, out long limitCount))
                {
                    return false;
                }
                options.LimitStart = start;
                options.LimitCount = limitCount;
                j += 2;
            }
            else if (!readOnly && ctx.ArgIs(j, "STORE"u8) && left >= 1)
            {
                options.StoreKey = ctx.ArgBytes(j + 1);
                j++;
            }
            else if (ctx.ArgIs(j, "BY"u8) && left >= 1)
            {
                byte[] pattern = ctx.ArgBytes(j + 1);
                options.ByPattern = new SortPattern(pattern);
                options.DontSort |= !SortPattern.HasStar(pattern); // as sort.c: a later BY with a "*" does not undo it
                j++;
            }
            else if (ctx.ArgIs(j, "GET"u8) && left >= 1)
            {
                options.GetPatterns.Add(new SortPattern(ctx.ArgBytes(j + 1)));
                j++;
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        return true;
    }
}
