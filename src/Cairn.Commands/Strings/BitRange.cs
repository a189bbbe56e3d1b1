using Cairn.Commands.Execution;

namespace Cairn.Commands.Strings;

/// <summary>
/// A BITCOUNT/BITPOS range resolved to bytes: negative indexes counted from the end, clamped to the string; for a BIT
/// range, masks of the bits of the first and last byte that lie outside it (Redis's first/last_byte_neg_mask).
/// </summary>
internal readonly struct BitRange
{
    private BitRange(long startByte, long endByte, byte firstMask, byte lastMask)
    {
        StartByte = (int)startByte;
        EndByte = (int)endByte;
        FirstByteExcludedMask = firstMask;
        LastByteExcludedMask = lastMask;
        IsEmpty = startByte > endByte;
    }

    public int StartByte { get; }

    public int EndByte { get; }

    public byte FirstByteExcludedMask { get; }

    public byte LastByteExcludedMask { get; }

    public bool IsEmpty { get; }

    public static BitRange Whole(int length) => new(0, length - 1, 0, 0);

    public static BitRange Resolve(long start, long end, bool bitUnits, int length)
    {
        long total = bitUnits ? (long)length << 3 : length;
        if (start < 0)
        {
            start = total + start;
        }
        if (end < 0)
        {
            end = total + end;
        }
        if (start < 0)
        {
            start = 0;
        }
        if (end < 0)
        {
            end = 0;
        }
        if (end >= total)
        {
            end = total - 1;
        }
        if (bitUnits && start <= end)
        {
            byte first = (byte)(~((1 << (8 - (int)(start & 7))) - 1) & 0xFF);
            byte last = (byte)((1 << (7 - (int)(end & 7))) - 1);
            return new BitRange(start >> 3, end >> 3, first, last);
        }
        return new BitRange(start, end, 0, 0);
    }

    /// <summary>BYTE or BIT at <paramref name="index"/>; anything else is a syntax error.</summary>
    public static bool TryParseUnit(CommandContext ctx, int index, out bool bitUnits)
    {
        bitUnits = ctx.ArgIs(index, "BIT"u8);
        if (bitUnits || ctx.ArgIs(index, "BYTE"u8))
        {
            return true;
        }
        ctx.SyntaxError();
        return false;
    }
}
