using Cairn.Commands.Execution;

namespace Cairn.Commands.Strings;

/// <summary>Look-ups shared by the string and bitmap commands.</summary>
internal static class StringValues
{
    /// <summary>
    /// Redis's getGenericCommand: replies the string at <paramref name="key"/> or null when missing. Returns false (after
    /// replying WRONGTYPE) when the key holds another type.
    /// </summary>
    public static bool ReplyValue(CommandContext ctx, ReadOnlySpan<byte> key)
    {
        int index = ctx.LookupRead(key);
        if (index < 0)
        {
            ctx.Reply.WriteNull();
            return true;
        }
        if (ctx.Database.EntryAt(index).TryGetString(out ReadOnlySpan<byte> value))
        {
            ctx.Reply.WriteBulkString(value);
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>
    /// Reads a string for a command that treats a missing key as empty. Returns false (after replying WRONGTYPE) when the
    /// key holds another type; <paramref name="value"/> is null when the key is missing.
    /// </summary>
    public static bool TryRead(CommandContext ctx, ReadOnlySpan<byte> key, out byte[]? value)
    {
        value = null;
        int index = ctx.LookupRead(key);
        if (index < 0)
        {
            return true;
        }
        if (ctx.Database.EntryAt(index).Value is byte[] bytes)
        {
            value = bytes;
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>
    /// As <see cref="TryRead"/> without copying: <paramref name="value"/> is empty when the key is missing, and valid until
    /// the key changes.
    /// </summary>
    public static bool TryReadSpan(CommandContext ctx, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        value = default;
        int index = ctx.LookupRead(key);
        if (index < 0 || ctx.Database.EntryAt(index).TryGetString(out value))
        {
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>Redis's checkStringLength: refuses a result longer than proto-max-bulk-len.</summary>
    public static bool CheckLength(CommandContext ctx, long size, long append)
    {
        long total = unchecked(size + append);
        // A .NET array also caps a value at Array.MaxLength, below a proto-max-bulk-len configured past 2 GB.
        if (total > ctx.Server.Config.ProtoMaxBulkLengthBytes || total > Array.MaxLength || total < size || total < append)
        {
            ctx.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            return false;
        }
        return true;
    }
}
