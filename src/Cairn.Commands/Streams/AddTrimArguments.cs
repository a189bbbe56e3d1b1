using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Streams;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Streams;

/// <summary>The options of XADD and XTRIM (streamParseAddOrTrimArgsOrReply), with the argument positions AOF rewriting needs.</summary>
internal sealed class AddTrimArguments
{
    /// <summary>Redis's default LIMIT for '~': 100 times stream-node-max-entries.</summary>
    public const long DefaultApproximateLimit = 100 * 100;

    public TrimStrategy Strategy { get; private set; }

    public bool Approximate { get; private set; }

    public long MaxLength { get; private set; }

    public StreamId MinimumId { get; private set; }

    public long Limit { get; private set; }

    public bool NoMakeStream { get; private set; }

    public bool IdGiven { get; private set; }

    public bool SequenceGiven { get; private set; } = true;

    public StreamId Id { get; private set; }

    /// <summary>Index of the ID argument (XADD) or one past the options (XTRIM).</summary>
    public int IdIndex { get; private set; }

    /// <summary>Index of the trim threshold argument.</summary>
    public int ThresholdIndex { get; private set; }

    /// <summary>Index of the '~' or '=' operator, or -1.</summary>
    public int OperatorIndex { get; private set; } = -1;

    /// <summary>Index of the LIMIT keyword, or -1.</summary>
    public int LimitIndex { get; private set; } = -1;

    public static AddTrimArguments? Parse(CommandContext ctx, bool xadd)
    {
        var args = new AddTrimArguments();
        bool limitGiven = false;
        int argc = ctx.ArgumentCount;
        int i = 2;
        for (; i < argc; i++)
        {
            int more = argc - 1 - i;
            ReadOnlySpan<byte> option = ctx.Arg(i);
            if (xadd && option.Length == 1 && option[0] == '*')
            {
                break;
            }
            if ((ctx.ArgIs(i, "MAXLEN"u8) || ctx.ArgIs(i, "MINID"u8)) && more > 0)
            {
                bool maxLength = ctx.ArgIs(i, "MAXLEN"u8);
                bool approximate = false;
                ReadOnlySpan<byte> next = ctx.Arg(i + 1);
                if (more >= 2 && next.Length == 1 && (next[0] == '~' || next[0] == '='))
                {
                    approximate = next[0] == '~';
                    args.OperatorIndex = i + 1;
                    i++;
                }
                if (maxLength)
                {
                    if (!NumberFormat.TryParseInt64(ctx.Arg(i + 1), out long max))
                    {
                        ctx.NotInteger();
                        return null;
                    }
                    if (max < 0)
                    {
                        ctx.Error("ERR The MAXLEN argument must be >= 0.");
                        return null;
                    }
                    args.MaxLength = max;
                    args.Strategy = TrimStrategy.MaxLength;
                }
                else
                {
                    if (!StreamIds.TryParseStrict(ctx, i + 1, out StreamId min))
                    {
                        return null;
                    }
                    args.MinimumId = min;
                    args.Strategy = TrimStrategy.MinimumId;
                }
                args.Approximate = approximate;
                i++;
                args.ThresholdIndex = i;
            }
            else if (ctx.ArgIs(i, "LIMIT"u8) && more > 0)
            {
                if (!NumberFormat.TryParseInt64(ctx.Arg(i + 1), out long limit))
                {
                    ctx.NotInteger();
                    return null;
                }
                if (limit < 0)
                {
                    ctx.Error("ERR The LIMIT argument must be >= 0.");
                    return null;
                }
                args.Limit = limit;
                limitGiven = true;
                args.LimitIndex = i;
                i++;
            }
            else if (xadd && ctx.ArgIs(i, "NOMKSTREAM"u8))
            {
                args.NoMakeStream = true;
            }
            else if (xadd)
            {
                if (!StreamIds.TryParse(option, 0, strict: true, allowAutoSequence: true, out StreamId id, out bool sequenceGiven))
                {
                    ctx.Error(StreamIds.InvalidId);
                    return null;
                }
                args.Id = id;
                args.SequenceGiven = sequenceGiven;
                args.IdGiven = true;
                break;
            }
            else
            {
                ctx.SyntaxError();
                return null;
            }
        }
        args.IdIndex = i;
        if (args.Limit != 0 && args.Strategy == TrimStrategy.None)
        {
            ctx.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return null;
        }
        if (!xadd && args.Strategy == TrimStrategy.None)
        {
            ctx.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
            return null;
        }
        if (ctx.Loading)
        {
            args.Limit = 0; // as Redis for its master or AOF: replay exactly what was logged
        }
        else if (limitGiven)
        {
            if (!args.Approximate)
            {
                ctx.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
                return null;
            }
        }
        else
        {
            args.Limit = args.Approximate ? DefaultApproximateLimit : 0;
        }
        return args;
    }

    /// <summary>Trims <paramref name="stream"/> as asked; returns the entries removed.</summary>
    public long Trim(StreamObject stream) => Strategy switch
    {
        TrimStrategy.MaxLength => stream.TrimToLength(MaxLength, Approximate, Limit),
        TrimStrategy.MinimumId => stream.TrimToMinimumId(MinimumId, Approximate, Limit),
        _ => 0,
    };

    /// <summary>
    /// The command for the AOF: '~' becomes '=' with the threshold actually reached (streamRewriteTrimArgument), LIMIT
    /// is dropped, and for XADD the ID argument becomes <paramref name="addedId"/>.
    /// </summary>
    public byte[][] Rewrite(CommandContext ctx, StreamObject stream, StreamId? addedId)
    {
        var result = new List<byte[]>(ctx.ArgumentCount);
        for (int i = 0; i < ctx.ArgumentCount; i++)
        {
            if (i == LimitIndex)
            {
                i++;
                continue;
            }
            if (Approximate && i == OperatorIndex)
            {
                result.Add("="u8.ToArray());
            }
            else if (Approximate && i == ThresholdIndex)
            {
                result.Add(Strategy == TrimStrategy.MaxLength
                    ? StreamIds.Number(stream.Length)
                    : (stream.Length > 0 ? stream.FirstId : MinimumId).ToBytes());
            }
            else if (addedId is { } id && i == IdIndex)
            {
                result.Add(id.ToBytes());
            }
            else
            {
                result.Add(ctx.ArgBytes(i));
            }
        }
        return [.. result];
    }
}
