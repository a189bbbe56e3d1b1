using System.Buffers.Text;

namespace Cairn.Engine.Memory.Streams;

/// <summary>A stream entry ID: milliseconds and sequence, both unsigned 64-bit, ordered as a 128-bit number.</summary>
public readonly record struct StreamId(ulong Milliseconds, ulong Sequence) : IComparable<StreamId>
{
    public static readonly StreamId Zero = new(0, 0);

    public static readonly StreamId Max = new(ulong.MaxValue, ulong.MaxValue);

    /// <summary>Longest text form: two 20-digit numbers and a dash.</summary>
    public const int MaxTextLength = 41;

    public bool IsZero => Milliseconds == 0 && Sequence == 0;

    public int CompareTo(StreamId other)
    {
        int c = Milliseconds.CompareTo(other.Milliseconds);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(StreamId a, StreamId b) => a.CompareTo(b) < 0;

    public static bool operator >(StreamId a, StreamId b) => a.CompareTo(b) > 0;

    public static bool operator <=(StreamId a, StreamId b) => a.CompareTo(b) <= 0;

    public static bool operator >=(StreamId a, StreamId b) => a.CompareTo(b) >= 0;

    /// <summary>The next ID (streamIncrID); false at the maximum.</summary>
    public bool TryIncrement(out StreamId next)
    {
        if (Sequence == ulong.MaxValue)
        {
            if (Milliseconds == ulong.MaxValue)
            {
                next = this;
                return false;
            }
            next = new StreamId(Milliseconds + 1, 0);
            return true;
        }
        next = new StreamId(Milliseconds, Sequence + 1);
        return true;
    }

    /// <summary>The previous ID (streamDecrID); false at 0-0.</summary>
    public bool TryDecrement(out StreamId previous)
    {
        if (Sequence == 0)
        {
            if (Milliseconds == 0)
            {
                previous = this;
                return false;
            }
            previous = new StreamId(Milliseconds - 1, ulong.MaxValue);
            return true;
        }
        previous = new StreamId(Milliseconds, Sequence - 1);
        return true;
    }

    /// <summary>Writes "ms-seq" into <paramref name="destination"/> (at least <see cref="MaxTextLength"/> bytes).</summary>
    public int Format(Span<byte> destination)
    {
        Utf8Formatter.TryFormat(Milliseconds, destination, out int written);
        destination[written++] = (byte)'-';
        Utf8Formatter.TryFormat(Sequence, destination[written..], out int more);
        return written + more;
    }

    public byte[] ToBytes()
    {
        Span<byte> buffer = stackalloc byte[MaxTextLength];
        return buffer[..Format(buffer)].ToArray();
    }

    public override string ToString() => $"{Milliseconds}-{Sequence}";
}
