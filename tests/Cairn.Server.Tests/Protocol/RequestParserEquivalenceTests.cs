using System.Buffers;
using System.Text;
using Cairn.Protocol.Resp;

namespace Cairn.Server.Tests.Protocol;

/// <summary>
/// The parser's contiguous fast path must decide exactly as the general path: every frame, valid or broken, parsed from
/// one segment (fast path tried first) and from one-byte segments (general path only) gives the same result, error text,
/// arguments and leftover bytes.
/// </summary>
public sealed class RequestParserEquivalenceTests
{
    [Fact]
    public void ContiguousAndSegmentedInputParseTheSame()
    {
        var random = new Random(20261129);
        for (int round = 0; round < 5000; round++)
        {
            byte[] input = RandomFrames(random);
            bool authenticated = random.Next(4) != 0;
            var limits = new RequestParserLimits { MaxBulkLengthBytes = random.Next(2) == 0 ? 512L * 1024 * 1024 : 20 };
            string whole = ParseAll(new ReadOnlySequence<byte>(input), limits, authenticated);
            string pieces = ParseAll(OneBytePerSegment(input), limits, authenticated);
            Assert.True(whole == pieces, $"round {round}: '{Encoding.ASCII.GetString(input)}'\n contiguous: {whole}\n segmented: {pieces}");
        }
    }

    [Fact]
    public void SkippedFramesGiveTheArgumentsTheParserFinds()
    {
        // The look-ahead (TrySkipFrame) may refuse a frame the parser accepts, but what it gives must be what the parser
        // reads: a prefetch hint built on it guesses the right key and members.
        var random = new Random(20261130);
        int checkedFrames = 0;
        Span<int> starts = stackalloc int[4];
        Span<int> lengths = stackalloc int[4];
        for (int round = 0; round < 5000; round++)
        {
            byte[] input = RandomFrames(random);
            var arguments = new CommandArguments();
            var buffer = new ReadOnlySequence<byte>(input);
            var limits = new RequestParserLimits { MaxBulkLengthBytes = 512L * 1024 * 1024 };
            int pos = 0;
            while (RequestParser.TrySkipFrame(input, ref pos, starts, lengths, out int count))
            {
                Assert.Equal(ParseResult.Complete, RequestParser.TryParse(ref buffer, arguments, limits, true, out _));
                Assert.Equal(input.Length - pos, buffer.Length);
                Assert.Equal(arguments.Count, count);
                for (int a = 0; a < 4; a++)
                {
                    if (a < arguments.Count)
                    {
                        Assert.Equal(Encoding.ASCII.GetString(arguments[a]), Encoding.ASCII.GetString(input, starts[a], lengths[a]));
                    }
                    else
                    {
                        Assert.Equal(-1, lengths[a]);
                    }
                }
                checkedFrames++;
            }
        }
        Assert.True(checkedFrames > 1000, $"only {checkedFrames} frames were skipped");
    }

    [Fact]
    public void FramesTakenFromTheIndexAreWhatTheParserParses()
    {
        // The connection records a batch's frames in a FrameIndex during its look-ahead and takes each frame's arguments
        // from it, falling back to the parser for frames the index cannot give. Every frame, valid or broken, over a
        // limit or not, must come out as the parser alone gives it: same result, error, arguments and leftover bytes.
        var random = new Random(20261201);
        var index = new FrameIndex();
        int taken = 0;
        for (int round = 0; round < 5000; round++)
        {
            byte[] input = DistinctFrames(random);
            bool authenticated = random.Next(4) != 0;
            var limits = new RequestParserLimits
            {
                MaxBulkLengthBytes = random.Next(3) == 0 ? 5 : 512L * 1024 * 1024,
                MaxMultibulkLength = random.Next(5) == 0 ? 3 : int.MaxValue,
            };
            string parsed = ParseAll(new ReadOnlySequence<byte>(input), limits, authenticated);
            string indexed = ParseWithIndex(index, input, limits, authenticated, ref taken);
            Assert.True(parsed == indexed, $"round {round}: '{Encoding.ASCII.GetString(input)}'\n parser: {parsed}\n index: {indexed}");
        }
        Assert.True(taken > 3000, $"only {taken} frames were taken from the index");
    }

    /// <summary>What Connection's batch loop does: a look-ahead, then each frame from the index or else the parser.</summary>
    private static string ParseWithIndex(FrameIndex index, byte[] input, RequestParserLimits limits, bool authenticated, ref int taken)
    {
        var arguments = new CommandArguments();
        var log = new StringBuilder();
        var buffer = new ReadOnlySequence<byte>(input);
        int lookedAt = 0;
        while (true)
        {
            if (lookedAt-- == 0)
            {
                lookedAt = Math.Max(index.Build(buffer.FirstSpan), 1) - 1;
            }
            ParseResult result;
            string? error = null;
            if (index.TryTake(buffer.First, arguments, limits, authenticated, out int length))
            {
                buffer = buffer.Slice(length);
                result = ParseResult.Complete;
                taken++;
            }
            else
            {
                result = RequestParser.TryParse(ref buffer, arguments, limits, authenticated, out error);
            }
            if (!Log(log, result, error, arguments, buffer.Length))
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Up to 20 frames of 0-9 arguments, each argument distinct, now and then cut short or with a byte flipped.</summary>
    private static byte[] DistinctFrames(Random random)
    {
        var text = new StringBuilder();
        int frames = random.Next(1, 21);
        for (int f = 0; f < frames; f++)
        {
            if (random.Next(30) == 0)
            {
                text.Append("PING inline\r\n");
                continue;
            }
            int count = random.Next(0, 10);
            text.Append('*').Append(count).Append("\r\n");
            for (int a = 0; a < count; a++)
            {
                string value = $"f{f}a{a}" + new string('x', random.Next(0, 12));
                text.Append('$').Append(value.Length).Append("\r\n").Append(value).Append("\r\n");
            }
        }
        return Damage(random, Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static string ParseAll(ReadOnlySequence<byte> buffer, RequestParserLimits limits, bool authenticated)
    {
        var arguments = new CommandArguments();
        var log = new StringBuilder();
        while (true)
        {
            ParseResult result = RequestParser.TryParse(ref buffer, arguments, limits, authenticated, out string? error);
            if (!Log(log, result, error, arguments, buffer.Length))
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Appends one parse step to the log; false once the parse stopped (incomplete or an error).</summary>
    private static bool Log(StringBuilder log, ParseResult result, string? error, CommandArguments arguments, long left)
    {
        log.Append(result).Append(' ').Append(error ?? "").Append(" [");
        for (int i = 0; i < arguments.Count && result == ParseResult.Complete; i++)
        {
            log.Append(Encoding.ASCII.GetString(arguments[i])).Append('|');
        }
        log.Append("] left=").Append(left).Append('\n');
        return result == ParseResult.Complete;
    }

    /// <summary>Sometimes cuts the input short, or flips a byte.</summary>
    private static byte[] Damage(Random random, byte[] bytes)
    {
        if (random.Next(4) == 0)
        {
            bytes = bytes[..random.Next(bytes.Length + 1)];
        }
        if (random.Next(6) == 0 && bytes.Length > 0)
        {
            const string noise = "0123456789*$\r\n-x";
            bytes[random.Next(bytes.Length)] = (byte)noise[random.Next(noise.Length)];
        }
        return bytes;
    }

    private static byte[] RandomFrames(Random random)
    {
        var text = new StringBuilder();
        int frames = random.Next(1, 4);
        for (int f = 0; f < frames; f++)
        {
            int count = random.Next(0, 13);
            text.Append('*').Append(Number(random, count)).Append("\r\n");
            for (int a = 0; a < count; a++)
            {
                string value = new string('v', random.Next(0, 24));
                text.Append(random.Next(40) == 0 ? '#' : '$').Append(Number(random, value.Length)).Append("\r\n").Append(value).Append("\r\n");
            }
        }
        return Damage(random, Encoding.ASCII.GetBytes(text.ToString()));
    }

    /// <summary>The number, or now and then a form the protocol rejects or that only the general path handles.</summary>
    private static string Number(Random random, int value) => random.Next(30) switch
    {
        0 => "0" + value,
        1 => "-" + value,
        2 => value + "x",
        3 => "",
        4 => "99999999999999999999",
        _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static ReadOnlySequence<byte> OneBytePerSegment(byte[] input)
    {
        if (input.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(input.AsMemory(0, 1), 0);
        Segment last = first;
        for (int i = 1; i < input.Length; i++)
        {
            last = last.Append(input.AsMemory(i, 1));
        }
        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
