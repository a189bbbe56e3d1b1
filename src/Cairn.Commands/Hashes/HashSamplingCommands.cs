using System.Buffers.Text;
using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Hashes;
using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Hashes;

/// <summary>HRANDFIELD and HSCAN: the commands that visit part of a hash.</summary>
internal static class HashSamplingCommands
{
    private const int DefaultScanCount = 10;

    [Command("HRANDFIELD")]
    public static void HRandField(CommandContext ctx)
    {
        if (ctx.ArgumentCount == 2)
        {
            if (!HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? single))
            {
                return;
            }
            if (single is null)
            {
                ctx.Reply.WriteNull();
                return;
            }
            ctx.Reply.WriteBulkString(single.FieldAt(single.RandomPosition(ctx.Server.Random)));
            return;
        }
        if (!ctx.TryGetInt64(2, out long requested))
        {
            return;
        }
        if (requested == long.MinValue)
        {
            ctx.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return;
        }
        bool withValues = false;
        if (ctx.ArgumentCount > 4 || (ctx.ArgumentCount == 4 && !ctx.ArgIs(3, "WITHVALUES"u8)))
        {
            ctx.SyntaxError();
            return;
        }
        if (ctx.ArgumentCount == 4)
        {
            withValues = true;
            if (requested < -long.MaxValue / 2 || requested > long.MaxValue / 2)
            {
                ctx.Error("ERR value is out of range");
                return;
            }
        }
        if (!HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? hash))
        {
            return;
        }
        if (hash is null || requested == 0)
        {
            ctx.Reply.WriteEmptyArray();
            return;
        }
        bool unique = requested > 0;
        long count = Math.Abs(requested);
        bool pairs = withValues && ctx.Reply.IsResp3;
        int size = hash.Count;
        if (!unique || count == 1)
        {
            // With repeats: independent draws, in random order.
            ctx.Reply.WriteArrayHeader(withValues && !pairs ? count * 2 : count);
            for (long i = 0; i < count; i++)
            {
                WriteEntry(ctx, hash, hash.RandomPosition(ctx.Server.Random), withValues, pairs);
            }
            return;
        }
        if (count >= size)
        {
            ctx.Reply.WriteArrayHeader(withValues && !pairs ? size * 2L : size);
            for (int p = hash.NextPosition(0); p >= 0; p = hash.NextPosition(p + 1))
            {
                WriteEntry(ctx, hash, p, withValues, pairs);
            }
            return;
        }
        int[] chosen = SampleDistinctPositions(hash, (int)count, ctx.Server.Random);
        ctx.Reply.WriteArrayHeader(withValues && !pairs ? count * 2 : count);
        foreach (int p in chosen)
        {
            WriteEntry(ctx, hash, p, withValues, pairs);
        }
    }

    /// <summary>A uniform sample of distinct positions (partial Fisher-Yates), returned in hash order as Redis's listpack case.</summary>
    private static int[] SampleDistinctPositions(HashObject hash, int count, IRandomSource random)
    {
        int[] positions = new int[hash.Count];
        int n = 0;
        for (int p = hash.NextPosition(0); p >= 0; p = hash.NextPosition(p + 1))
        {
            positions[n++] = p;
        }
        for (int i = 0; i < count; i++)
        {
            int j = i + random.NextInt(n - i);
            (positions[i], positions[j]) = (positions[j], positions[i]);
        }
        int[] chosen = positions[..count];
        Array.Sort(chosen);
        return chosen;
    }

    private static void WriteEntry(CommandContext ctx, HashObject hash, int position, bool withValues, bool pairs)
    {
        if (pairs)
        {
            ctx.Reply.WriteArrayHeader(2);
        }
        ctx.Reply.WriteBulkString(hash.FieldAt(position));
        if (withValues)
        {
            ctx.Reply.WriteBulkString(hash.ValueAt(position));
        }
    }

    [Command("HSCAN")]
    public static void HScan(CommandContext ctx)
    {
        if (!TryParseCursor(ctx.Arg(2), out ulong cursor))
        {
            ctx.Error("ERR invalid cursor");
            return;
        }
        if (!HashAccess.TryFindForRead(ctx, ctx.Arg(1), out HashObject? hash))
        {
            return;
        }
        if (hash is null)
        {
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulkString("0"u8);
            ctx.Reply.WriteEmptyArray();
            return;
        }
        long count = DefaultScanCount;
        int patternIndex = -1;
        for (int i = 3; i < ctx.ArgumentCount; i += 2)
        {
            bool hasValue = i + 1 < ctx.ArgumentCount;
            if (ctx.ArgIs(i, "COUNT"u8) && hasValue)
            {
                if (!ctx.TryGetInt64(i + 1, out count))
                {
                    return;
                }
                if (count < 1)
                {
                    ctx.SyntaxError();
                    return;
                }
            }
            else if (ctx.ArgIs(i, "MATCH"u8) && hasValue)
            {
                patternIndex = ctx.Arg(i + 1) is [(byte)'*'] ? -1 : i + 1;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        var found = new List<int>();
        ulong next = 0;
        if (hash.IsListpack)
        {
            // A compact hash is returned whole in one call, with cursor 0, as Redis does.
            for (int p = hash.NextPosition(0); p >= 0; p = hash.NextPosition(p + 1))
            {
                found.Add(p);
            }
        }
        else if (cursor < (ulong)hash.PositionLimit)
        {
            int slot = (int)cursor;
            long visited = 0;
            long maxVisited = count * 10;
            while (slot < hash.PositionLimit && found.Count < count && visited < maxVisited)
            {
                int p = hash.NextPosition(slot);
                if (p < 0)
                {
                    slot = hash.PositionLimit;
                    break;
                }
                visited += p - slot + 1;
                found.Add(p);
                slot = p + 1;
            }
            next = slot >= hash.PositionLimit ? 0 : (ulong)slot;
        }
        if (patternIndex >= 0)
        {
            ReadOnlySpan<byte> pattern = ctx.Arg(patternIndex);
            int kept = 0;
            for (int i = 0; i < found.Count; i++)
            {
                if (GlobPattern.IsMatch(pattern, hash.FieldAt(found[i])))
                {
                    found[kept++] = found[i];
                }
            }
            found.RemoveRange(kept, found.Count - kept);
        }
        Span<byte> cursorText = stackalloc byte[20];
        Utf8Formatter.TryFormat(next, cursorText, out int cursorLength);
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(cursorText[..cursorLength]);
        ctx.Reply.WriteArrayHeader(found.Count * 2L);
        foreach (int p in found)
        {
            ctx.Reply.WriteBulkString(hash.FieldAt(p));
            ctx.Reply.WriteBulkString(hash.ValueAt(p));
        }
    }

    /// <summary>strtoul as parseScanCursorOrReply uses it: optional sign, decimal digits, no spaces; "-1" wraps.</summary>
    private static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor)
    {
        cursor = 0;
        if (text.IsEmpty)
        {
            return true;
        }
        bool negative = text[0] == '-';
        int i = text[0] is (byte)'-' or (byte)'+' ? 1 : 0;
        if (i == text.Length)
        {
            return false;
        }
        ulong value = 0;
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9 || value > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }
            value = value * 10 + digit;
        }
        cursor = negative ? 0 - value : value;
        return true;
    }
}
