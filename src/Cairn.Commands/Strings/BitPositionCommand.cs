using System.Numerics;
using Cairn.Commands.Execution;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Strings;

/// <summary>BITPOS key bit [start [end [BYTE|BIT]]], with Redis 7.0's edge cases for the clear-bit search.</summary>
internal static class BitPositionCommand
{
    [Command("BITPOS")]
    public static void BitPos(CommandContext ctx)
    {
        if (!NumberFormat.TryParseInt64(ctx.Arg(2), out long bit))
        {
            ctx.NotInteger();
            return;
        }
        if (bit is not (0 or 1))
        {
            ctx.Error("ERR The bit argument must be 1 or 0.");
            return;
        }
        // Redis 7.0 looks the key up before the range: a missing key is an endless run of zeros.
        if (!StringValues.TryRead(ctx, ctx.Arg(1), out byte[]? value))
        {
            return;
        }
        if (value is null)
        {
            ctx.Reply.WriteInteger(bit == 1 ? -1 : 0);
            return;
        }
        BitRange range;
        bool endGiven = false;
        if (ctx.ArgumentCount == 3)
        {
            range = BitRange.Whole(value.Length);
        }
        else if (ctx.ArgumentCount is >= 4 and <= 6)
        {
            if (!ctx.TryGetInt64(3, out long start))
            {
                return;
            }
            bool bitUnits = false;
            if (ctx.ArgumentCount == 6 && !BitRange.TryParseUnit(ctx, 5, out bitUnits))
            {
                return;
            }
            long end = bitUnits ? ((long)value.Length << 3) + 7 : value.Length - 1;
            if (ctx.ArgumentCount >= 5)
            {
                if (!ctx.TryGetInt64(4, out end))
                {
                    return;
                }
                endGiven = true;
            }
            range = BitRange.Resolve(start, end, bitUnits, value.Length);
        }
        else
        {
            ctx.SyntaxError();
            return;
        }
        ctx.Reply.WriteInteger(range.IsEmpty ? -1 : Search(value, range, bit == 1, endGiven));
    }

    /// <summary>bitposCommand's search: the edge bytes of a BIT range are masked so bits outside it never match.</summary>
    private static long Search(byte[] value, BitRange range, bool one, bool endGiven)
    {
        long start = range.StartByte;
        long bytes = range.EndByte - range.StartByte + 1;
        byte firstMask = range.FirstByteExcludedMask;
        byte lastMask = range.LastByteExcludedMask;
        long position;
        if (firstMask != 0)
        {
            int b = one ? value[start] & ~firstMask : value[start] | firstMask;
            if (lastMask != 0 && bytes == 1)
            {
                b = one ? b & ~lastMask : b | lastMask;
            }
            position = FirstBit([(byte)b], one);
            if (bytes == 1 || (position != -1 && position != 8))
            {
                return Finish(position, start, bytes, one, endGiven);
            }
            start++;
            bytes--;
        }
        long middle = bytes - (lastMask != 0 ? 1 : 0);
        if (middle > 0)
        {
            position = FirstBit(value.AsSpan((int)start, (int)middle), one);
            if (bytes == middle || (position != -1 && position != middle << 3))
            {
                return Finish(position, start, bytes, one, endGiven);
            }
            start += middle;
            bytes -= middle;
        }
        int last = one ? value[range.EndByte] & ~lastMask : value[range.EndByte] | lastMask;
        position = FirstBit([(byte)last], one);
        return Finish(position, start, bytes, one, endGiven);
    }

    private static long Finish(long position, long start, long bytes, bool one, bool endGiven)
    {
        // Looking for a clear bit in an explicit range: the zero padding to the right of the range does not count.
        if (endGiven && !one && position == bytes << 3)
        {
            return -1;
        }
        return position == -1 ? -1 : position + (start << 3);
    }

    /// <summary>
    /// redisBitpos: the first bit equal to <paramref name="one"/>; -1 when looking for a one and there is none, and the bit
    /// just past the end when looking for a zero in all ones (the string is seen as zero padded on the right).
    /// </summary>
    private static long FirstBit(ReadOnlySpan<byte> bytes, bool one)
    {
        byte skip = one ? (byte)0 : (byte)0xFF;
        int i = 0;
        while (i + 8 <= bytes.Length && BitConverter.ToUInt64(bytes.Slice(i, 8)) == (one ? 0UL : ulong.MaxValue))
        {
            i += 8;
        }
        for (; i < bytes.Length; i++)
        {
            if (bytes[i] != skip)
            {
                int b = one ? bytes[i] : (byte)~bytes[i];
                return ((long)i << 3) + BitOperations.LeadingZeroCount((uint)b) - 24;
            }
        }
        return one ? -1 : (long)bytes.Length << 3;
    }
}
