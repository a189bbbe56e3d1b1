using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Commands.Keys;

/// <summary>
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is a slot index of the keyspace table: slots never
/// move while their key is present, so every key present for a whole scan is returned (exactly once), whatever is added
/// or deleted meanwhile. COUNT bounds the keys examined per call, before MATCH and TYPE filter them, as in Redis.
/// </summary>
internal static class ScanCommand
{
    private const long DefaultCount = 10;

    [Command("SCAN")]
    public static void Scan(CommandContext ctx)
    {
        if (!TryParseCursor(ctx.Arg(1), out ulong cursor))
        {
            ctx.Error("ERR invalid cursor");
            return;
        }
        long count = DefaultCount;
        byte[]? pattern = null;
        byte[]? typeName = null;
        for (int i = 2; i < ctx.ArgumentCount; i += 2)
        {
            bool hasValue = ctx.ArgumentCount - i >= 2;
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
                ReadOnlySpan<byte> value = ctx.Arg(i + 1);
                pattern = value.Length == 1 && value[0] == '*' ? null : value.ToArray();
            }
            else if (ctx.ArgIs(i, "TYPE"u8) && hasValue)
            {
                typeName = ctx.ArgBytes(i + 1);
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }

        Database db = ctx.Database;
        var keys = new List<byte[]>();
        long next = 0;
        if (ctx.Server.Lsm is { } lsm)
        {
            ScanLsm(ctx, lsm, cursor, count, pattern, typeName, keys);
            return;
        }
        if (cursor < (ulong)db.SlotLimit)
        {
            int slot = (int)cursor;
            while (keys.Count < count)
            {
                slot = db.NextSlot(slot);
                if (slot < 0)
                {
                    break;
                }
                keys.Add(db.KeyAt(slot));
                slot++;
            }
            // Report the end as soon as no occupied slot remains, so a full scan needs no extra empty call.
            next = slot < 0 || db.NextSlot(slot) < 0 ? 0 : slot;
        }

        int kept = 0;
        for (int i = 0; i < keys.Count; i++)
        {
            byte[] key = keys[i];
            if (pattern is not null && !GlobPattern.IsMatch(pattern, key))
            {
                continue;
            }
            int index = db.Find(key, ctx.Now); // deletes the key if it expired (lazy expiry, as Redis's expireIfNeeded)
            if (index < 0)
            {
                continue;
            }
            if (typeName is not null && !EqualsIgnoreCase(typeName, DataTypeNames.Of(db.EntryAt(index).Type)))
            {
                continue;
            }
            keys[kept++] = key;
        }

        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkInteger(next);
        ctx.Reply.WriteArrayHeader(kept);
        for (int i = 0; i < kept; i++)
        {
            ctx.Reply.WriteBulkString(keys[i]);
        }
    }

    /// <summary>Storage lsm: the cursor is a position in the LSM's hash order (see <see cref="Storage.LsmKeyspace.Scan"/>).</summary>
    private static void ScanLsm(CommandContext ctx, Storage.LsmKeyspace lsm, ulong cursor, long count, byte[]? pattern,
        byte[]? typeName, List<byte[]> keys)
    {
        DataType? type = null;
        if (typeName is not null)
        {
            type = DataType.None; // an unknown type name matches nothing, as in Redis
            foreach (DataType candidate in (ReadOnlySpan<DataType>)[DataType.String, DataType.List, DataType.Set, DataType.SortedSet,
                DataType.Hash, DataType.Stream, DataType.TimeSeries, DataType.Json])
            {
                if (EqualsIgnoreCase(typeName, DataTypeNames.Of(candidate)))
                {
                    type = candidate;
                }
            }
        }
        ulong next = lsm.Scan(ctx.Client.DatabaseIndex, cursor, count, pattern, type, ctx.Now, keys);
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkInteger((long)next);
        ctx.Reply.WriteArrayHeader(keys.Count);
        foreach (byte[] key in keys)
        {
            ctx.Reply.WriteBulkString(key);
        }
    }

    /// <summary>
    /// Redis's parseScanCursorOrReply (strtoul, base 10): no leading space, an optional sign ("-1" wraps), digits up to
    /// the end or a NUL byte, no overflow. An empty argument is cursor 0, as strtoul leaves it.
    /// </summary>
    public static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor)
    {
        cursor = 0;
        if (text.IsEmpty)
        {
            return true;
        }
        if (text[0] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
        {
            return false;
        }
        int i = 0;
        bool negative = false;
        if (text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == '-';
            i = 1;
        }
        int digitsStart = i;
        ulong value = 0;
        for (; i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (value > (ulong.MaxValue - digit) / 10)
            {
                return false; // ERANGE
            }
            value = value * 10 + digit;
        }
        if (i == digitsStart)
        {
            // No digits: strtoul consumes nothing and points at the sign, which is not the end.
            return false;
        }
        if (i < text.Length && text[i] != 0)
        {
            return false;
        }
        cursor = negative ? 0 - value : value;
        return true;
    }

    private static bool EqualsIgnoreCase(byte[] given, string typeName)
    {
        if (given.Length != typeName.Length)
        {
            return false;
        }
        for (int i = 0; i < given.Length; i++)
        {
            if (char.ToLowerInvariant((char)given[i]) != char.ToLowerInvariant(typeName[i]))
            {
                return false;
            }
        }
        return true;
    }
}
