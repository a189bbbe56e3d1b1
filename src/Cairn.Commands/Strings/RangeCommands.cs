using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Strings;

/// <summary>APPEND, STRLEN, GETRANGE (and its old name SUBSTR), SETRANGE.</summary>
internal static class RangeCommands
{
    [Command("APPEND")]
    public static void Append(CommandContext ctx)
    {
        ReadOnlySpan<byte> key = ctx.Arg(1);
        ReadOnlySpan<byte> suffix = ctx.Arg(2);
        Database db = ctx.Database;
        int index = ctx.LookupWrite(key);
        long total;
        if (index < 0)
        {
            db.Add(key.ToArray(), suffix.ToArray(), 0);
            total = suffix.Length;
        }
        else
        {
            if (!db.EntryAt(index).TryGetString(out ReadOnlySpan<byte> old))
            {
                ctx.WrongType();
                return;
            }
            if (!StringValues.CheckLength(ctx, old.Length, suffix.Length))
            {
                return;
            }
            // Values are exact-size arrays (no spare capacity as sds has), so an append copies the value once. The result
            // is raw, as Redis's (OBJECT ENCODING says so even for a short one).
            byte[] grown = new byte[old.Length + suffix.Length];
            old.CopyTo(grown);
            suffix.CopyTo(grown.AsSpan(old.Length));
            db.ReplaceWithRawString(index, grown);
            total = grown.Length;
        }
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.String, "append", key);
        ctx.Reply.WriteInteger(total);
    }

    [Command("STRLEN")]
    public static void StrLen(CommandContext ctx)
    {
        if (StringValues.TryReadSpan(ctx, ctx.Arg(1), out ReadOnlySpan<byte> value))
        {
            ctx.Reply.WriteInteger(value.Length);
        }
    }

    [Command("GETRANGE")]
    [Command("SUBSTR")]
    public static void GetRange(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long start) || !ctx.TryGetInt64(3, out long end))
        {
            return;
        }
        if (!StringValues.TryReadSpan(ctx, ctx.Arg(1), out ReadOnlySpan<byte> value))
        {
            return;
        }
        long length = value.Length;
        if (start < 0 && end < 0 && start > end)
        {
            ctx.Reply.WriteBulkString([]);
            return;
        }
        if (start < 0)
        {
            start = length + start;
        }
        if (end < 0)
        {
            end = length + end;
        }
        if (start < 0)
        {
            start = 0;
        }
        if (end < 0)
        {
            end = 0;
        }
        if (end >= length)
        {
            end = length - 1;
        }
        if (start > end || length == 0)
        {
            ctx.Reply.WriteBulkString([]);
            return;
        }
        ctx.Reply.WriteBulkString(value.Slice((int)start, (int)(end - start + 1)));
    }

    [Command("SETRANGE")]
    public static void SetRange(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long offset))
        {
            return;
        }
        if (offset < 0)
        {
            ctx.Error("ERR offset is out of range");
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        ReadOnlySpan<byte> patch = ctx.Arg(3);
        Database db = ctx.Database;
        int index = ctx.LookupWrite(key);
        int oldLength = 0;
        if (index >= 0)
        {
            if (!db.EntryAt(index).TryGetString(out ReadOnlySpan<byte> old))
            {
                ctx.WrongType();
                return;
            }
            oldLength = old.Length;
        }
        if (patch.IsEmpty)
        {
            ctx.Reply.WriteInteger(oldLength);
            return;
        }
        if (!StringValues.CheckLength(ctx, offset, patch.Length))
        {
            return;
        }
        if (index < 0)
        {
            index = db.Add(key.ToArray(), Array.Empty<byte>(), 0);
        }
        // Written in place: a string value is owned by its key alone (the slot's own array, grown if needed).
        byte[] value = db.RawStringAt(index, (int)offset + patch.Length);
        patch.CopyTo(value.AsSpan((int)offset));
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.String, "setrange", key);
        ctx.Reply.WriteInteger(value.Length);
    }
}
