using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Strings;

/// <summary>Bit offsets and the growable bitmap look-up shared by SETBIT, GETBIT and BITFIELD (bitops.c).</summary>
internal static class BitArguments
{
    /// <summary>
    /// getBitOffsetFromArgument: a non-negative integer whose byte is below proto-max-bulk-len; with
    /// <paramref name="bitfieldWidth"/> &gt; 0 a "#n" offset means n * width.
    /// </summary>
    public static bool TryGetBitOffset(CommandContext ctx, int index, int bitfieldWidth, out long offset)
    {
        ReadOnlySpan<byte> text = ctx.Arg(index);
        bool multiply = bitfieldWidth > 0 && !text.IsEmpty && text[0] == '#';
        offset = 0;
        if (!NumberFormat.TryParseInt64(multiply ? text[1..] : text, out long value)
            || (multiply && (value < 0 || value > long.MaxValue / bitfieldWidth)))
        {
            ctx.Error("ERR bit offset is not an integer or out of range");
            return false;
        }
        if (multiply)
        {
            value *= bitfieldWidth;
        }
        if (value < 0 || (value >> 3) >= ctx.Server.Config.ProtoMaxBulkLengthBytes || (value >> 3) >= Array.MaxLength - 8)
        {
            ctx.Error("ERR bit offset is not an integer or out of range");
            return false;
        }
        offset = value;
        return true;
    }

    /// <summary>
    /// lookupStringForBitCommand: the string at the key grown (zero padded) to hold bit <paramref name="maxBit"/>, created
    /// when missing. Returns null after replying WRONGTYPE. <paramref name="grown"/> says whether it was created or grew.
    /// </summary>
    public static byte[]? LookupForWrite(CommandContext ctx, ReadOnlySpan<byte> key, long maxBit, out bool grown)
    {
        int length = checked((int)((maxBit >> 3) + 1));
        Database db = ctx.Database;
        int index = ctx.LookupWrite(key);
        grown = true;
        if (index < 0)
        {
            index = db.Add(key.ToArray(), Array.Empty<byte>(), 0);
        }
        else if (!db.EntryAt(index).TryGetString(out ReadOnlySpan<byte> current))
        {
            ctx.WrongType();
            return null;
        }
        else
        {
            grown = current.Length < length;
        }
        // The slot's own array, changed in place by the caller (SETBIT, BITFIELD).
        return db.RawStringAt(index, length);
    }
}
