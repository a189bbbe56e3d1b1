using System.Numerics;
using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Strings;

/// <summary>SETBIT, GETBIT, BITCOUNT, BITOP. Bit 0 is the most significant bit of byte 0, as in Redis.</summary>
internal static class BitCommands
{
    [Command("SETBIT")]
    public static void SetBit(CommandContext ctx)
    {
        if (!BitArguments.TryGetBitOffset(ctx, 2, 0, out long offset))
        {
            return;
        }
        ReadOnlySpan<byte> bitText = ctx.Arg(3);
        if (bitText.Length != 1 || (bitText[0] != '0' && bitText[0] != '1'))
        {
            ctx.Error("ERR bit is not an integer or out of range");
            return;
        }
        int on = bitText[0] - '0';
        ReadOnlySpan<byte> key = ctx.Arg(1);
        byte[]? value = BitArguments.LookupForWrite(ctx, key, offset, out bool grown);
        if (value is null)
        {
            return;
        }
        int byteIndex = (int)(offset >> 3);
        int mask = 1 << (7 - (int)(offset & 7));
        int old = (value[byteIndex] & mask) != 0 ? 1 : 0;
        // Only a real change (or a new or longer string) counts as a write.
        if (grown || old != on)
        {
            value[byteIndex] = (byte)(on == 1 ? value[byteIndex] | mask : value[byteIndex] & ~mask);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.String, "setbit", key);
        }
        ctx.Reply.WriteInteger(old);
    }

    [Command("GETBIT")]
    public static void GetBit(CommandContext ctx)
    {
        if (!BitArguments.TryGetBitOffset(ctx, 2, 0, out long offset))
        {
            return;
        }
        if (!StringValues.TryRead(ctx, ctx.Arg(1), out byte[]? value))
        {
            return;
        }
        long byteIndex = offset >> 3;
        int bit = value is not null && byteIndex < value.Length && (value[byteIndex] & (1 << (7 - (int)(offset & 7)))) != 0 ? 1 : 0;
        ctx.Reply.WriteInteger(bit);
    }

    [Command("BITCOUNT")]
    public static void BitCount(CommandContext ctx)
    {
        // Redis 7.0 looks the key up before parsing the range, so a missing key answers 0 whatever the arguments.
        if (!StringValues.TryRead(ctx, ctx.Arg(1), out byte[]? value))
        {
            return;
        }
        if (value is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        BitRange range;
        if (ctx.ArgumentCount == 2)
        {
            range = BitRange.Whole(value.Length);
        }
        else if (ctx.ArgumentCount is 4 or 5)
        {
            if (!ctx.TryGetInt64(2, out long start) || !ctx.TryGetInt64(3, out long end))
            {
                return;
            }
            bool bitUnits = false;
            if (ctx.ArgumentCount == 5 && !BitRange.TryParseUnit(ctx, 4, out bitUnits))
            {
                return;
            }
            if (start < 0 && end < 0 && start > end)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            range = BitRange.Resolve(start, end, bitUnits, value.Length);
        }
        else
        {
            ctx.SyntaxError();
            return;
        }
        if (range.IsEmpty)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long count = PopCount(value.AsSpan(range.StartByte, range.EndByte - range.StartByte + 1));
        // Bits of the edge bytes outside a BIT range are counted above; take them back out.
        count -= BitOperations.PopCount((uint)(value[range.StartByte] & range.FirstByteExcludedMask));
        count -= BitOperations.PopCount((uint)(value[range.EndByte] & range.LastByteExcludedMask));
        ctx.Reply.WriteInteger(count);
    }

    private static long PopCount(ReadOnlySpan<byte> bytes)
    {
        long count = 0;
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            count += BitOperations.PopCount(BitConverter.ToUInt64(bytes.Slice(i, 8)));
        }
        for (; i < bytes.Length; i++)
        {
            count += BitOperations.PopCount(bytes[i]);
        }
        return count;
    }

    [Command("BITOP")]
    public static void BitOp(CommandContext ctx)
    {
        BitOperation op;
        if (ctx.ArgIs(1, "AND"u8))
        {
            op = BitOperation.And;
        }
        else if (ctx.ArgIs(1, "OR"u8))
        {
            op = BitOperation.Or;
        }
        else if (ctx.ArgIs(1, "XOR"u8))
        {
            op = BitOperation.Xor;
        }
        else if (ctx.ArgIs(1, "NOT"u8))
        {
            op = BitOperation.Not;
        }
        else
        {
            ctx.SyntaxError();
            return;
        }
        if (op == BitOperation.Not && ctx.ArgumentCount != 4)
        {
            ctx.Error("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        int sourceCount = ctx.ArgumentCount - 3;
        var sources = new byte[]?[sourceCount];
        int maxLength = 0;
        for (int i = 0; i < sourceCount; i++)
        {
            if (!StringValues.TryRead(ctx, ctx.Arg(i + 3), out sources[i]))
            {
                return;
            }
            maxLength = Math.Max(maxLength, sources[i]?.Length ?? 0);
        }
        ReadOnlySpan<byte> destination = ctx.Arg(2);
        Database db = ctx.Database;
        if (maxLength == 0)
        {
            // Every source is empty or missing: the destination is deleted, not set to "".
            if (db.Remove(destination, ctx.Now))
            {
                ctx.Modified(destination);
                ctx.Notify(KeyspaceEvents.Generic, "del", destination);
            }
            ctx.Reply.WriteInteger(0);
            return;
        }
        byte[] result = Combine(op, sources, maxLength);
        // Raw like Redis's (a new string object, never tryObjectEncoding'd), whatever its length.
        db.ReplaceWithRawString(db.Set(destination, result, 0, keepTtl: false, ctx.Now), result);
        ctx.Modified(destination);
        ctx.Notify(KeyspaceEvents.String, "set", destination);
        ctx.Reply.WriteInteger(maxLength);
    }

    /// <summary>Missing keys and the tails of shorter strings read as zero bytes.</summary>
    private static byte[] Combine(BitOperation op, byte[]?[] sources, int length)
    {
        byte[] result = new byte[length];
        byte[]? first = sources[0];
        if (first is not null)
        {
            first.CopyTo(result, 0);
        }
        if (op == BitOperation.Not)
        {
            for (int j = 0; j < length; j++)
            {
                result[j] = (byte)~result[j];
            }
            return result;
        }
        for (int i = 1; i < sources.Length; i++)
        {
            byte[] source = sources[i] ?? [];
            for (int j = 0; j < length; j++)
            {
                byte b = j < source.Length ? source[j] : (byte)0;
                result[j] = op switch
                {
                    BitOperation.And => (byte)(result[j] & b),
                    BitOperation.Or => (byte)(result[j] | b),
                    _ => (byte)(result[j] ^ b),
                };
            }
        }
        return result;
    }
}
