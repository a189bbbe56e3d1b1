using System.Runtime.InteropServices;

namespace Cairn.Protocol.Resp;

/// <summary>
/// The frames at the head of a client's input that a look-ahead has skipped (<see cref="Build"/>: up to
/// <see cref="MaxFrames"/> ordinary multibulk frames, the offsets and lengths of each one's first <see cref="MaxArgs"/>
/// arguments), so that the connection can prefetch what they will look up and then take each frame's arguments from
/// the index (<see cref="TryTake"/>) instead of parsing the frame a second time. A frame the index cannot give (more
/// arguments than it records, or over a limit) is parsed by <see cref="RequestParser.TryParse"/>, which owns every error.
/// A frame taken from the index is also recorded as <see cref="CommandArguments.Frame"/> (the AOF copies it whole); what
/// <see cref="RequestParser.TrySkipFrame"/> accepts is therefore part of the AOF format (docs/formats/aof.md, "Frame runs").
/// Offsets are relative to the span <see cref="Build"/> was given; frames are taken in order, each from the head of the
/// remaining input, which is where the previous one ended. Not thread-safe: one per connection.
/// </summary>
public sealed class FrameIndex
{
    /// <summary>Frames one look-ahead records.</summary>
    public const int MaxFrames = 16;

    /// <summary>Arguments recorded per frame (the name and five more: SET key value EX seconds, HSET key field value).</summary>
    public const int MaxArgs = 6;

    private readonly int[] _frameStarts = new int[MaxFrames];
    private readonly int[] _frameLengths = new int[MaxFrames];
    private readonly int[] _counts = new int[MaxFrames];
    private readonly int[] _starts = new int[MaxFrames * MaxArgs];
    private readonly int[] _lengths = new int[MaxFrames * MaxArgs];
    private int _next;

    /// <summary>Frames recorded by the last <see cref="Build"/>.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Records the complete ordinary multibulk frames at the head of <paramref name="span"/>, at most
    /// <see cref="MaxFrames"/>, stopping at the first one that is incomplete, inline, unusual or invalid. Checks no
    /// limits (<see cref="TryTake"/> does). Returns how many it recorded.
    /// </summary>
    public int Build(ReadOnlySpan<byte> span)
    {
        _next = 0;
        int frames = 0;
        int pos = 0;
        while (frames < MaxFrames)
        {
            int start = pos;
            if (!RequestParser.TrySkipFrame(span, ref pos, _starts.AsSpan(frames * MaxArgs, MaxArgs),
                _lengths.AsSpan(frames * MaxArgs, MaxArgs), out int count))
            {
                break;
            }
            _frameStarts[frames] = start;
            _frameLengths[frames] = pos - start;
            _counts[frames] = count;
            frames++;
        }
        Count = frames;
        return frames;
    }

    /// <summary>Offset of argument <paramref name="arg"/> of frame <paramref name="frame"/> in the span given to <see cref="Build"/>.</summary>
    public int ArgStart(int frame, int arg) => _starts[(frame * MaxArgs) + arg];

    /// <summary>Length of argument <paramref name="arg"/> of a frame; -1 when the frame has no such argument.</summary>
    public int ArgLength(int frame, int arg) => _lengths[(frame * MaxArgs) + arg];

    /// <summary>Offsets of arguments <paramref name="first"/>.. of a frame (as many as recorded after it).</summary>
    public ReadOnlySpan<int> ArgStarts(int frame, int first) => _starts.AsSpan((frame * MaxArgs) + first, MaxArgs - first);

    /// <summary>Lengths of arguments <paramref name="first"/>.. of a frame; -1 for those it lacks.</summary>
    public ReadOnlySpan<int> ArgLengths(int frame, int first) => _lengths.AsSpan((frame * MaxArgs) + first, MaxArgs - first);

    /// <summary>
    /// Takes the next recorded frame, which must start at the head of <paramref name="input"/>: fills
    /// <paramref name="arguments"/> with its arguments and gives its length, as <see cref="RequestParser.TryParse"/>
    /// would for that frame. False when no recorded frame is left, or this one has more arguments than recorded or breaks
    /// a limit: the caller then parses it with <see cref="RequestParser.TryParse"/> (the frame counts as taken either way).
    /// </summary>
    public bool TryTake(ReadOnlyMemory<byte> input, CommandArguments arguments, RequestParserLimits limits, bool authenticated,
        out int frameLength)
    {
        frameLength = 0;
        if (_next >= Count)
        {
            return false;
        }
        int frame = _next++;
        int count = _counts[frame];
        if (count > MaxArgs || count > limits.MaxMultibulkLength || (!authenticated && count > 10))
        {
            return false;
        }
        int origin = _frameStarts[frame];
        int length = _frameLengths[frame];
        if (input.Length < length)
        {
            return false;
        }
        arguments.Clear();
        int at = frame * MaxArgs;
        for (int i = 0; i < count; i++)
        {
            int argLength = _lengths[at + i];
            if (argLength > limits.MaxBulkLengthBytes || (!authenticated && argLength > 16384))
            {
                arguments.Clear();
                return false;
            }
            arguments.Add(input.Slice(_starts[at + i] - origin, argLength));
        }
        if (MemoryMarshal.TryGetArray(input, out ArraySegment<byte> segment))
        {
            arguments.SetFrame(new ArraySegment<byte>(segment.Array!, segment.Offset, length));
        }
        frameLength = length;
        return true;
    }
}
