using System.Runtime.CompilerServices;
using System.Text;
using Cairn.Commands.Execution;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Persistence;

/// <summary>
/// Turns an executed write command into what the AOF records, so replay gives the same data set: relative expiry times
/// become absolute (EXPIRE -> PEXPIREAT, SET EX -> SET PXAT, SETEX -> SET PXAT, GETEX EX -> PEXPIREAT), and handlers
/// whose effect is random (SPOP) record their effect through <see cref="CommandContext.PropagateAs"/>.
/// Everything else replays deterministically as it was sent.
/// </summary>
public static class AofPropagation
{
    /// <summary>True when the command is logged exactly as it arrived (what <see cref="Translate"/> would return as a copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsVerbatim(CommandContext ctx)
    {
        int count = ctx.Spec.AofVerbatimArgumentCount;
        return ctx.Propagated is null && (count == 0 || count == ctx.Arguments.Count);
    }

    /// <summary>For <see cref="Specs.CommandSpec.AofVerbatimArgumentCount"/>: 0 always verbatim, -1 never, n with exactly n arguments.</summary>
    public static int VerbatimArgumentCount(string fullName) => fullName switch
    {
        "expire" or "pexpire" or "expireat" or "setex" or "psetex" or "getex" => -1,
        "set" => 3, // SET key value; its expiry options become absolute (SET ... PXAT)
        _ => 0,
    };

    public static List<ReadOnlyMemory<byte>[]> Translate(CommandContext ctx)
    {
        if (ctx.Propagated is { } explicitCommands)
        {
            return explicitCommands;
        }
        Protocol.Resp.CommandArguments args = ctx.Arguments;
        string name = ctx.Spec.FullName;
        long now = ctx.Now;
        switch (name)
        {
            case "expire":
            case "pexpire":
            case "expireat":
                if (args.Count >= 3 && NumberFormat.TryParseInt64(args[2], out long amount))
                {
                    long at = name switch
                    {
                        "expire" => now + amount * 1000,
                        "pexpire" => now + amount,
                        _ => amount * 1000,
                    };
                    return [Rebuild("PEXPIREAT", args, 1, 1, Number(at), 3)];
                }
                break;
            case "setex":
            case "psetex":
                if (args.Count == 4 && NumberFormat.TryParseInt64(args[2], out long ttl))
                {
                    long at = name == "setex" ? now + ttl * 1000 : now + ttl;
                    return [[Ascii("SET"), args.GetMemory(1), args.GetMemory(3), Ascii("PXAT"), Number(at)]];
                }
                break;
            case "set":
                return [RewriteExpiryOptions(args, now, "SET", 3)];
            case "getex":
                for (int i = 2; i < args.Count; i++)
                {
                    if (IsKeyword(args[i], "PERSIST"))
                    {
                        return [[Ascii("PERSIST"), args.GetMemory(1)]];
                    }
                    if (i + 1 < args.Count && NumberFormat.TryParseInt64(args[i + 1], out long value))
                    {
                        long? at = AbsoluteMilliseconds(args[i], value, now);
                        if (at is not null)
                        {
                            return [[Ascii("PEXPIREAT"), args.GetMemory(1), Number(at.Value)]];
                        }
                    }
                }
                break;
        }
        return [Copy(args)];
    }

    private static ReadOnlyMemory<byte>[] RewriteExpiryOptions(Protocol.Resp.CommandArguments args, long now, string command, int firstOption)
    {
        var result = new List<ReadOnlyMemory<byte>> { Ascii(command) };
        for (int i = 1; i < Math.Min(firstOption, args.Count); i++)
        {
            result.Add(args.GetMemory(i));
        }
        for (int i = firstOption; i < args.Count; i++)
        {
            if (i + 1 < args.Count && NumberFormat.TryParseInt64(args[i + 1], out long value)
                && AbsoluteMilliseconds(args[i], value, now) is long at)
            {
                result.Add(Ascii("PXAT"));
                result.Add(Number(at));
                i++;
                continue;
            }
            result.Add(args.GetMemory(i));
        }
        return [.. result];
    }

    private static long? AbsoluteMilliseconds(ReadOnlySpan<byte> option, long value, long now)
    {
        if (IsKeyword(option, "EX"))
        {
            return now + value * 1000;
        }
        if (IsKeyword(option, "PX"))
        {
            return now + value;
        }
        if (IsKeyword(option, "EXAT"))
        {
            return value * 1000;
        }
        if (IsKeyword(option, "PXAT"))
        {
            return value;
        }
        return null;
    }

    private static ReadOnlyMemory<byte>[] Rebuild(string command, Protocol.Resp.CommandArguments args, int from, int count, ReadOnlyMemory<byte> inserted, int rest)
    {
        var result = new List<ReadOnlyMemory<byte>> { Ascii(command) };
        for (int i = from; i < from + count; i++)
        {
            result.Add(args.GetMemory(i));
        }
        result.Add(inserted);
        for (int i = rest; i < args.Count; i++)
        {
            result.Add(args.GetMemory(i));
        }
        return [.. result];
    }

    private static ReadOnlyMemory<byte>[] Copy(Protocol.Resp.CommandArguments args)
    {
        var result = new ReadOnlyMemory<byte>[args.Count];
        for (int i = 0; i < args.Count; i++)
        {
            result[i] = args.GetMemory(i);
        }
        return result;
    }

    private static bool IsKeyword(ReadOnlySpan<byte> value, string upper) => CommandContext.EqualsIgnoreCase(value, Encoding.ASCII.GetBytes(upper));

    private static ReadOnlyMemory<byte> Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static ReadOnlyMemory<byte> Number(long value) => NumberFormat.Int64ToBytes(value);
}
