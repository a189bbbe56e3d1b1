using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Strings;

/// <summary>
/// BITFIELD and BITFIELD_RO: every sub-command is parsed (and all errors reported) before the key is touched; then the
/// string is grown once to the farthest bit written and the operations run in order, one reply each.
/// </summary>
internal static class BitfieldCommand
{
    private const string TypeError = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    [Command("BITFIELD")]
    public static void Bitfield(CommandContext ctx) => Run(ctx, readOnlyCommand: false);

    [Command("BITFIELD_RO")]
    public static void BitfieldReadOnly(CommandContext ctx) => Run(ctx, readOnlyCommand: true);

    private static void Run(CommandContext ctx, bool readOnlyCommand)
    {
        if (!TryParse(ctx, out List<BitfieldOperation>? operations, out long highestWrittenBit))
        {
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        byte[]? value;
        bool grown = false;
        if (highestWrittenBit < 0)
        {
            if (!StringValues.TryRead(ctx, key, out value))
            {
                return;
            }
        }
        else
        {
            if (readOnlyCommand)
            {
                ctx.Error("ERR BITFIELD_RO only supports the GET subcommand");
                return;
            }
            value = BitArguments.LookupForWrite(ctx, key, highestWrittenBit, out grown);
            if (value is null)
            {
                return;
            }
        }
        ctx.Reply.WriteArrayHeader(operations.Count);
        int changes = 0;
        foreach (BitfieldOperation op in operations)
        {
            if (op.Opcode == BitfieldOpcode.Get)
            {
                ReplyGet(ctx, value, op);
            }
            else if (Write(ctx, value!, op, grown))
            {
                changes++;
            }
        }
        if (changes > 0)
        {
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.String, "setbit", key);
        }
    }

    private static bool TryParse(CommandContext ctx, out List<BitfieldOperation> operations, out long highestWrittenBit)
    {
        operations = [];
        highestWrittenBit = -1;
        BitfieldOverflow overflow = BitfieldOverflow.Wrap;
        for (int j = 2; j < ctx.ArgumentCount; j++)
        {
            int remaining = ctx.ArgumentCount - j - 1;
            BitfieldOpcode opcode;
            if (ctx.ArgIs(j, "GET"u8) && remaining >= 2)
            {
                opcode = BitfieldOpcode.Get;
            }
            else if (ctx.ArgIs(j, "SET"u8) && remaining >= 3)
            {
                opcode = BitfieldOpcode.Set;
            }
            else if (ctx.ArgIs(j, "INCRBY"u8) && remaining >= 3)
            {
                opcode = BitfieldOpcode.IncrBy;
            }
            else if (ctx.ArgIs(j, "OVERFLOW"u8) && remaining >= 1)
            {
                j++;
                if (ctx.ArgIs(j, "WRAP"u8))
                {
                    overflow = BitfieldOverflow.Wrap;
                }
                else if (ctx.ArgIs(j, "SAT"u8))
                {
                    overflow = BitfieldOverflow.Saturate;
                }
                else if (ctx.ArgIs(j, "FAIL"u8))
                {
                    overflow = BitfieldOverflow.Fail;
                }
                else
                {
                    ctx.Error("ERR Invalid OVERFLOW type specified");
                    return false;
                }
                continue;
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
            if (!TryParseType(ctx.Arg(j + 1), out bool signed, out int bits))
            {
                ctx.Error(TypeError);
                return false;
            }
            if (!BitArguments.TryGetBitOffset(ctx, j + 2, bits, out long offset))
            {
                return false;
            }
            long operand = 0;
            if (opcode != BitfieldOpcode.Get)
            {
                highestWrittenBit = Math.Max(highestWrittenBit, offset + bits - 1);
                if (!ctx.TryGetInt64(j + 3, out operand))
                {
                    return false;
                }
            }
            operations.Add(new BitfieldOperation(opcode, signed, bits, offset, operand, overflow));
            j += opcode == BitfieldOpcode.Get ? 2 : 3;
        }
        return true;
    }

    /// <summary>i1..i64 or u1..u63 (lower case, as Redis reads the first byte).</summary>
    private static bool TryParseType(ReadOnlySpan<byte> text, out bool signed, out int bits)
    {
        signed = false;
        bits = 0;
        if (text.IsEmpty || (text[0] != 'i' && text[0] != 'u'))
        {
            return false;
        }
        signed = text[0] == 'i';
        if (!NumberFormat.TryParseInt64(text[1..], out long width) || width < 1 || width > (signed ? 64 : 63))
        {
            return false;
        }
        bits = (int)width;
        return true;
    }

    private static void ReplyGet(CommandContext ctx, byte[]? value, BitfieldOperation op)
    {
        // Copy up to 9 bytes into a zero-padded buffer so a field may run past the end of the string.
        Span<byte> window = stackalloc byte[9];
        window.Clear();
        long first = op.Offset >> 3;
        if (value is not null && first < value.Length)
        {
            int count = (int)Math.Min(9, value.Length - first);
            value.AsSpan((int)first, count).CopyTo(window);
        }
        long local = op.Offset - (first << 3);
        long result = op.Signed
            ? BitfieldMath.GetSigned(window, local, op.Bits)
            : (long)BitfieldMath.GetUnsigned(window, local, op.Bits);
        ctx.Reply.WriteInteger(result);
    }

    /// <summary>SET or INCRBY; replies the old value (SET) or the new one (INCRBY), or null when OVERFLOW FAIL refuses.</summary>
    private static bool Write(CommandContext ctx, byte[] value, BitfieldOperation op, bool grown)
    {
        bool overflowed;
        ulong oldBits;
        ulong newBits;
        long reply;
        if (op.Signed)
        {
            long old = BitfieldMath.GetSigned(value, op.Offset, op.Bits);
            long updated;
            if (op.Opcode == BitfieldOpcode.IncrBy)
            {
                overflowed = BitfieldMath.CheckSignedOverflow(old, op.Operand, op.Bits, op.Overflow, out long wrapped);
                updated = overflowed ? wrapped : old + op.Operand;
                reply = updated;
            }
            else
            {
                overflowed = BitfieldMath.CheckSignedOverflow(op.Operand, 0, op.Bits, op.Overflow, out long wrapped);
                updated = overflowed ? wrapped : op.Operand;
                reply = old;
            }
            oldBits = (ulong)old;
            newBits = (ulong)updated;
        }
        else
        {
            ulong old = BitfieldMath.GetUnsigned(value, op.Offset, op.Bits);
            ulong updated;
            if (op.Opcode == BitfieldOpcode.IncrBy)
            {
                overflowed = BitfieldMath.CheckUnsignedOverflow(old, op.Operand, op.Bits, op.Overflow, out ulong wrapped);
                updated = overflowed ? wrapped : unchecked(old + (ulong)op.Operand);
                reply = (long)updated;
            }
            else
            {
                overflowed = BitfieldMath.CheckUnsignedOverflow((ulong)op.Operand, 0, op.Bits, op.Overflow, out ulong wrapped);
                updated = overflowed ? wrapped : (ulong)op.Operand;
                reply = (long)old;
            }
            oldBits = old;
            newBits = updated;
        }
        if (overflowed && op.Overflow == BitfieldOverflow.Fail)
        {
            ctx.Reply.WriteNull();
            return false;
        }
        ctx.Reply.WriteInteger(reply);
        BitfieldMath.SetUnsigned(value, op.Offset, op.Bits, newBits);
        return grown || oldBits != newBits;
    }
}
