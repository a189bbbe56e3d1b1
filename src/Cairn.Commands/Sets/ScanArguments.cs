using Cairn.Commands.Execution;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Sets;

/// <summary>The cursor and MATCH/COUNT options of SSCAN, ZSCAN (Redis's parseScanCursorOrReply and scanGenericCommand).</summary>
internal readonly record struct ScanArguments(long Cursor, int Count, byte[]? Pattern)
{
    private const int DefaultCount = 10;

    /// <summary>Parses the cursor (argument 2); false with "ERR invalid cursor" written.</summary>
    public static bool TryParseCursor(CommandContext ctx, out long cursor)
    {
        // strtoul: optional sign, decimal digits, nothing after; out of range is an error. A cursor past any slot just ends.
        cursor = 0;
        ReadOnlySpan<byte> text = ctx.Arg(2);
        int start = text.Length > 0 && (text[0] == '+' || text[0] == '-') ? 1 : 0;
        ulong value = 0;
        bool valid = text.Length > start;
        for (int i = start; i < text.Length && valid; i++)
        {
            uint digit = (uint)(text[i] - '0');
            valid = digit <= 9 && value <= (ulong.MaxValue - digit) / 10;
            value = value * 10 + digit;
        }
        if (!valid)
        {
            ctx.Error("ERR invalid cursor");
            return false;
        }
        if (start == 1 && text[0] == '-')
        {
            value = 0 - value;
        }
        cursor = value > long.MaxValue ? long.MaxValue : (long)value;
        return true;
    }

    /// <summary>Parses MATCH and COUNT from argument 3 on; false with the error written.</summary>
    public static bool TryParseOptions(CommandContext ctx, long cursor, out ScanArguments arguments)
    {
        arguments = default;
        long count = DefaultCount;
        byte[]? pattern = null;
        for (int i = 3; i < ctx.ArgumentCount; i += 2)
        {
            bool hasValue = i + 1 < ctx.ArgumentCount;
            if (hasValue && ctx.ArgIs(i, "COUNT"u8))
            {
                if (!ctx.TryGetInt64(i + 1, out count))
                {
                    return false;
                }
                if (count < 1)
                {
                    ctx.SyntaxError();
                    return false;
                }
            }
            else if (hasValue && ctx.ArgIs(i, "MATCH"u8))
            {
                ReadOnlySpan<byte> text = ctx.Arg(i + 1);
                pattern = text.Length == 1 && text[0] == '*' ? null : text.ToArray();
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        arguments = new ScanArguments(cursor, (int)Math.Min(count, int.MaxValue), pattern);
        return true;
    }

    /// <summary>Writes the empty scan reply: cursor "0" and no elements.</summary>
    public static void WriteEmpty(CommandContext ctx)
    {
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString("0"u8);
        ctx.Reply.WriteArrayHeader(0);
    }

    public static void WriteCursor(CommandContext ctx, long cursor)
    {
        Span<byte> buffer = stackalloc byte[24];
        int length = NumberFormat.FormatInt64(cursor, buffer);
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(buffer[..length]);
    }
}
