using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Streams;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Streams;

/// <summary>Parsing of stream IDs as t_stream.c's streamGenericParseIDOrReply, and the replies shared by the X commands.</summary>
internal static class StreamIds
{
    public const string InvalidId = "ERR Invalid stream ID specified as stream command argument";

    /// <summary>
    /// Parses "ms-seq", "ms" (sequence = <paramref name="missingSequence"/>), and unless strict "-" and "+".
    /// With <paramref name="allowAutoSequence"/>, "ms-*" is accepted and reported by <paramref name="sequenceGiven"/> = false.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, ulong missingSequence, bool strict, bool allowAutoSequence,
        out StreamId id, out bool sequenceGiven)
    {
        id = default;
        sequenceGiven = true;
        if (text.Length > 127)
        {
            return false;
        }
        if (text.Length == 1 && (text[0] == '-' || text[0] == '+'))
        {
            if (strict)
            {
                return false;
            }
            id = text[0] == '-' ? StreamId.Zero : StreamId.Max;
            return true;
        }
        int dash = text.IndexOf((byte)'-');
        ReadOnlySpan<byte> msText = dash >= 0 ? text[..dash] : text;
        if (!TryParseUnsigned(msText, out ulong ms))
        {
            return false;
        }
        ulong seq = missingSequence;
        if (dash >= 0)
        {
            ReadOnlySpan<byte> seqText = text[(dash + 1)..];
            if (allowAutoSequence && seqText.Length == 1 && seqText[0] == '*')
            {
                seq = 0;
                sequenceGiven = false;
            }
            else if (!TryParseUnsigned(seqText, out seq))
            {
                return false;
            }
        }
        id = new StreamId(ms, seq);
        return true;
    }

    /// <summary>A strict ID (no "-", "+" or "ms-*"); writes the error when invalid.</summary>
    public static bool TryParseStrict(CommandContext ctx, int index, out StreamId id)
    {
        if (TryParse(ctx.Arg(index), 0, strict: true, allowAutoSequence: false, out id, out _))
        {
            return true;
        }
        ctx.Error(InvalidId);
        return false;
    }

    /// <summary>
    /// A range bound (streamParseIntervalIDOrReply): "(" makes it exclusive (then strict), else "-" and "+" are allowed.
    /// An exclusive bound is moved inward; an impossible one writes Redis's error.
    /// </summary>
    public static bool TryParseRangeBound(CommandContext ctx, int index, bool isStart, out StreamId id)
    {
        ReadOnlySpan<byte> text = ctx.Arg(index);
        ulong missing = isStart ? 0 : ulong.MaxValue;
        bool exclusive = text.Length > 1 && text[0] == '(';
        bool ok = exclusive
            ? TryParse(text[1..], missing, strict: true, allowAutoSequence: false, out id, out _)
            : TryParse(text, missing, strict: false, allowAutoSequence: false, out id, out _);
        if (!ok)
        {
            ctx.Error(InvalidId);
            return false;
        }
        if (exclusive)
        {
            if (isStart ? !id.TryIncrement(out id) : !id.TryDecrement(out id))
            {
                ctx.Error(isStart ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
                return false;
            }
        }
        return true;
    }

    /// <summary>Redis's string2ull: a non-negative decimal that fits 64 bits unsigned (optional leading '+').</summary>
    private static bool TryParseUnsigned(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.Length > 0 && text[0] == '+')
        {
            text = text[1..];
        }
        if (text.IsEmpty)
        {
            return false;
        }
        foreach (byte c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            ulong digit = (ulong)(c - '0');
            if (value > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }
            value = value * 10 + digit;
        }
        return true;
    }

    public static void WriteId(RespWriter reply, StreamId id)
    {
        Span<byte> buffer = stackalloc byte[StreamId.MaxTextLength];
        reply.WriteBulkString(buffer[..id.Format(buffer)]);
    }

    /// <summary>One entry as [id, [field, value, ...]].</summary>
    public static void WriteEntry(RespWriter reply, in StreamEntry entry)
    {
        reply.WriteArrayHeader(2);
        WriteId(reply, entry.Id);
        reply.WriteArrayHeader(entry.FieldsAndValues.Length);
        foreach (byte[] item in entry.FieldsAndValues)
        {
            reply.WriteBulkString(item);
        }
    }

    public static void WriteEntries(RespWriter reply, List<StreamEntry> entries)
    {
        reply.WriteArrayHeader(entries.Count);
        foreach (StreamEntry entry in entries)
        {
            WriteEntry(reply, entry);
        }
    }

    /// <summary>
    /// Looks a key up as a stream. True with null when missing; false (error written) when it holds another type.
    /// </summary>
    public static bool TryGetStream(CommandContext ctx, ReadOnlySpan<byte> key, bool write, out StreamObject? stream, out int index)
    {
        index = write ? ctx.LookupWrite(key) : ctx.LookupRead(key);
        stream = null;
        if (index < 0)
        {
            return true;
        }
        if (ctx.Database.EntryAt(index).Value is StreamObject found)
        {
            stream = found;
            return true;
        }
        ctx.WrongType();
        return false;
    }

    public static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    public static byte[] Number(long value) => Ascii(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Applies a memory change of a stream to the store's accounting.</summary>
    public static void AccountMemory(CommandContext ctx, StreamObject stream, long before) =>
        ctx.Store.AdjustMemory(stream.MemoryUsageBytes - before);

    public static string Text(ReadOnlySpan<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    public static DataType TypeOf(object value) => DataTypeNames.TypeOf(value);
}
