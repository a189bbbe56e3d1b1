using System.Buffers;
using Cairn.Primitives;

namespace Cairn.Protocol.Resp;

/// <summary>
/// Parses requests (RESP multibulk arrays of bulk strings, or inline "telnet" lines) exactly as Redis's
/// processMultibulkBuffer / processInlineBuffer do, including their protocol error texts.
/// A request contiguous in one buffer segment is sliced in place; one that spans segments is copied once into the
/// arguments' scratch buffer, and only when complete, so a large value is never copied twice while it arrives.
/// </summary>
public static class RequestParser
{
    public static ParseResult TryParse(ref ReadOnlySequence<byte> buffer, CommandArguments arguments, RequestParserLimits limits,
        bool authenticated, out string? error)
    {
        error = null;
        arguments.Clear();
        if (buffer.IsEmpty)
        {
            return ParseResult.Incomplete;
        }
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        byte lead = first[0];
        if (lead != '*')
        {
            return TryParseInline(ref buffer, arguments, out error);
        }

        // Fast path: the whole frame in the first segment with ordinary headers (nearly every request). Anything else,
        // including every malformed or over-limit frame, takes the general path below, which owns the error texts.
        ReadOnlyMemory<byte> firstMemory = buffer.First;
        if (TryParseContiguous(firstMemory, arguments, limits, authenticated, out int contiguousLength))
        {
            buffer = buffer.Slice(contiguousLength);
            return ParseResult.Complete;
        }
        arguments.Clear();

        // Pass 1: find the frame's length and validate headers, across segments, copying nothing.
        var reader = new SequenceReader<byte>(buffer);
        ParseResult scan = ScanMultibulk(ref reader, limits, authenticated, out long frameLength, out int argumentCount, out error);
        if (scan != ParseResult.Complete)
        {
            return scan;
        }

        // Pass 2: slice the arguments from contiguous memory.
        ReadOnlyMemory<byte> frame;
        if (buffer.First.Length >= frameLength)
        {
            frame = buffer.First[..(int)frameLength];
        }
        else
        {
            if (arguments.Scratch.Length < frameLength)
            {
                arguments.Scratch = new byte[Math.Min(Math.Max(frameLength, arguments.Scratch.Length * 2L), Array.MaxLength)];
            }
            buffer.Slice(0, frameLength).CopyTo(arguments.Scratch);
            frame = arguments.Scratch.AsMemory(0, (int)frameLength);
        }
        SliceArguments(frame, argumentCount, arguments);
        buffer = buffer.Slice(frameLength);
        return ParseResult.Complete;
    }

    /// <summary>
    /// Parses a well-formed multibulk frame that lies wholly in <paramref name="memory"/>; false (arguments partly filled)
    /// when the frame is incomplete there, unusual, or invalid, so that the general parser decides.
    /// </summary>
    private static bool TryParseContiguous(ReadOnlyMemory<byte> memory, CommandArguments arguments, RequestParserLimits limits,
        bool authenticated, out int frameLength)
    {
        frameLength = 0;
        ReadOnlySpan<byte> span = memory.Span;
        int pos = 1; // past '*'
        if (!IntegerText.TryReadPlainHeader(span, ref pos, out long count) || count <= 0 || count > limits.MaxMultibulkLength || count > int.MaxValue
            || (!authenticated && count > 10))
        {
            return false;
        }
        for (long i = 0; i < count; i++)
        {
            if (pos >= span.Length || span[pos] != '$')
            {
                return false;
            }
            pos++;
            if (!IntegerText.TryReadPlainHeader(span, ref pos, out long length) || length > limits.MaxBulkLengthBytes
                || (!authenticated && length > 16384) || length + 2 > span.Length - pos)
            {
                return false;
            }
            arguments.Add(memory.Slice(pos, (int)length));
            pos += (int)length + 2;
        }
        frameLength = pos;
        return true;
    }

    /// <summary>
    /// Skips one ordinary multibulk frame that lies wholly in <paramref name="span"/> at <paramref name="pos"/> without
    /// parsing it into arguments, giving the offsets and lengths of arguments 0, 1, ... (the command's name first) in
    /// <paramref name="starts"/>/<paramref name="lengths"/>, as many as they hold (length -1 for those the frame lacks),
    /// and how many arguments the frame has. False, with <paramref name="pos"/> unchanged, when the frame is incomplete,
    /// inline, unusual or invalid: the caller stops looking ahead there and <see cref="TryParse"/> decides. It checks no
    /// limits (the frame is parsed, or taken from a <see cref="FrameIndex"/> that checks them, when its turn comes). The
    /// frames it accepts are exactly those the parser's fast path accepts when no limit applies, with the same arguments
    /// (<see cref="FrameIndex"/> relies on it).
    /// </summary>
    public static bool TrySkipFrame(ReadOnlySpan<byte> span, ref int pos, Span<int> starts, Span<int> lengths, out int count)
    {
        starts.Clear();
        lengths.Fill(-1);
        count = 0;
        int p = pos;
        if (p >= span.Length || span[p] != '*')
        {
            return false;
        }
        p++;
        if (!IntegerText.TryReadPlainHeader(span, ref p, out long frameCount) || frameCount <= 0 || frameCount > int.MaxValue)
        {
            return false;
        }
        for (long i = 0; i < frameCount; i++)
        {
            if (p >= span.Length || span[p] != '$')
            {
                return false;
            }
            p++;
            if (!IntegerText.TryReadPlainHeader(span, ref p, out long length) || length + 2 > span.Length - p)
            {
                return false;
            }
            if (i < lengths.Length)
            {
                starts[(int)i] = p;
                lengths[(int)i] = (int)length;
            }
            p += (int)length + 2;
        }
        pos = p;
        count = (int)frameCount;
        return true;
    }

    private static ParseResult ScanMultibulk(ref SequenceReader<byte> reader, RequestParserLimits limits, bool authenticated,
        out long frameLength, out int argumentCount, out string? error)
    {
        frameLength = 0;
        argumentCount = 0;
        error = null;
        reader.Advance(1); // '*'
        switch (TryReadHeaderNumber(ref reader, out long count))
        {
            case HeaderStatus.Incomplete:
                return ParseResult.Incomplete;
            case HeaderStatus.TooLong:
                error = "Protocol error: too big mbulk count string";
                return ParseResult.ProtocolError;
            case HeaderStatus.Invalid:
                error = "Protocol error: invalid multibulk length";
                return ParseResult.ProtocolError;
        }
        if (count > limits.MaxMultibulkLength || count > int.MaxValue)
        {
            error = "Protocol error: invalid multibulk length";
            return ParseResult.ProtocolError;
        }
        if (!authenticated && count > 10)
        {
            error = "Protocol error: unauthenticated multibulk length";
            return ParseResult.ProtocolError;
        }
        for (long i = 0; i < count; i++)
        {
            if (!reader.TryPeek(out byte dollar))
            {
                return ParseResult.Incomplete;
            }
            if (dollar != '$')
            {
                error = $"Protocol error: expected '$', got '{(char)dollar}'";
                return ParseResult.ProtocolError;
            }
            reader.Advance(1);
            switch (TryReadHeaderNumber(ref reader, out long length))
            {
                case HeaderStatus.Incomplete:
                    return ParseResult.Incomplete;
                case HeaderStatus.TooLong:
                    error = "Protocol error: too big bulk count string";
                    return ParseResult.ProtocolError;
                case HeaderStatus.Invalid:
                    error = "Protocol error: invalid bulk length";
                    return ParseResult.ProtocolError;
            }
            if (length < 0 || length > limits.MaxBulkLengthBytes)
            {
                error = "Protocol error: invalid bulk length";
                return ParseResult.ProtocolError;
            }
            if (!authenticated && length > 16384)
            {
                error = "Protocol error: unauthenticated bulk length";
                return ParseResult.ProtocolError;
            }
            if (reader.Remaining < length + 2)
            {
                return ParseResult.Incomplete;
            }
            reader.Advance(length + 2);
        }
        frameLength = reader.Consumed;
        argumentCount = (int)count;
        return ParseResult.Complete;
    }

    private enum HeaderStatus
    {
        Ok,
        Incomplete,
        TooLong,
        Invalid,
    }

    /// <summary>Reads a decimal number terminated by CRLF (Redis looks for the '\r' and skips the byte after it).</summary>
    private static HeaderStatus TryReadHeaderNumber(ref SequenceReader<byte> reader, out long value)
    {
        value = 0;
        SequenceReader<byte> probe = reader;
        if (!probe.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\r', advancePastDelimiter: true))
        {
            return reader.Remaining > RequestParserLimits.InlineMaxSizeBytes ? HeaderStatus.TooLong : HeaderStatus.Incomplete;
        }
        if (line.Length > RequestParserLimits.InlineMaxSizeBytes)
        {
            return HeaderStatus.TooLong;
        }
        if (!probe.TryPeek(out _))
        {
            return HeaderStatus.Incomplete; // the byte after '\r' has not arrived yet
        }
        Span<byte> digits = stackalloc byte[24];
        if (line.Length > digits.Length)
        {
            return HeaderStatus.Invalid;
        }
        line.CopyTo(digits);
        if (!NumberFormat.TryParseInt64(digits[..(int)line.Length], out value))
        {
            return HeaderStatus.Invalid;
        }
        probe.Advance(1);
        reader = probe;
        return HeaderStatus.Ok;
    }

    private static void SliceArguments(ReadOnlyMemory<byte> frame, int count, CommandArguments arguments)
    {
        ReadOnlySpan<byte> span = frame.Span;
        int pos = span.IndexOf((byte)'\r') + 2; // as Redis: the byte after '\r' is skipped, whatever it is
        for (int i = 0; i < count; i++)
        {
            int lineEnd = span[pos..].IndexOf((byte)'\r');
            NumberFormat.TryParseInt64(span.Slice(pos + 1, lineEnd - 1), out long length);
            pos += lineEnd + 2;
            arguments.Add(frame.Slice(pos, (int)length));
            pos += (int)length + 2;
        }
    }

    private static ParseResult TryParseInline(ref ReadOnlySequence<byte> buffer, CommandArguments arguments, out string? error)
    {
        error = null;
        SequencePosition? newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            if (buffer.Length > RequestParserLimits.InlineMaxSizeBytes)
            {
                error = "Protocol error: too big inline request";
                return ParseResult.ProtocolError;
            }
            return ParseResult.Incomplete;
        }
        ReadOnlySequence<byte> lineSequence = buffer.Slice(0, newline.Value);
        if (lineSequence.Length > RequestParserLimits.InlineMaxSizeBytes)
        {
            error = "Protocol error: too big inline request";
            return ParseResult.ProtocolError;
        }
        int lineLength = (int)lineSequence.Length;
        if (arguments.Scratch.Length < lineLength * 2 + 16)
        {
            arguments.Scratch = new byte[lineLength * 2 + 16];
        }
        // The raw line goes to the second half of scratch; unquoted arguments are written to the first half.
        Span<byte> scratch = arguments.Scratch;
        Span<byte> line = scratch.Slice(scratch.Length - lineLength, lineLength);
        lineSequence.CopyTo(line);
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        if (!InlineSplitter.TrySplit(line, arguments.Scratch, arguments))
        {
            error = "Protocol error: unbalanced quotes in request";
            return ParseResult.ProtocolError;
        }
        return ParseResult.Complete;
    }
}
