using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>Reads bit fields most-significant bit first, the mirror of <see cref="BitWriter"/>, a 64-bit word at a time.</summary>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly long _bitLength;
    private long _position;

    public BitReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _bitLength = (long)buffer.Length * 8;
        _position = 0;
    }

    public readonly long Position => _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadBit()
    {
        Invariant.Require(_position < _bitLength, "read past the end of a chunk");
        bool bit = (_buffer[(int)(_position >> 3)] & (0x80 >> (int)(_position & 7))) != 0;
        _position++;
        return bit;
    }

    /// <summary>
    /// Reads a run of one bits, at most <paramref name="maximum"/> (REQUIRES 0 &lt; maximum &lt;= 56): when the run ends
    /// sooner, the terminating zero is consumed too and the run's length returned; else <paramref name="maximum"/> ones are
    /// consumed and <paramref name="maximum"/> returned. One word read instead of a bit at a time (unary codes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadOnes(int maximum)
    {
        int window = (int)Math.Min(maximum + 1L, _bitLength - _position);
        Invariant.Require(window > 0, "read past the end of a chunk");
        ulong bits = PeekBits(window);
        int ones = System.Numerics.BitOperations.LeadingZeroCount(~(bits << (64 - window)));
        if (ones >= maximum)
        {
            _position += maximum;
            return maximum;
        }
        Invariant.Require(ones < window, "read past the end of a chunk");
        _position += ones + 1;
        return ones;
    }

    /// <summary>Reads <paramref name="count"/> bits as an unsigned value. REQUIRES 0 &lt;= count &lt;= 64.</summary>
    public ulong ReadBits(int count)
    {
        Invariant.Require((uint)count <= 64, "bit count out of range");
        if (count > 56)
        {
            ulong high = ReadBits(count - 32);
            return (high << 32) | ReadBits(32);
        }
        if (count == 0)
        {
            return 0;
        }
        ulong value = PeekBits(count);
        _position += count;
        return value;
    }

    /// <summary>The next <paramref name="count"/> bits without consuming them. REQUIRES 0 &lt; count &lt;= 56.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ulong PeekBits(int count)
    {
        Invariant.Require(_position + count <= _bitLength, "read past the end of a chunk");
        int byteIndex = (int)(_position >> 3);
        int bitOffset = (int)(_position & 7);
        ulong word;
        if (byteIndex + 8 <= _buffer.Length)
        {
            word = BinaryPrimitives.ReadUInt64BigEndian(_buffer[byteIndex..]);
        }
        else
        {
            Span<byte> padded = stackalloc byte[8];
            padded.Clear();
            _buffer[byteIndex..].CopyTo(padded);
            word = BinaryPrimitives.ReadUInt64BigEndian(padded);
        }
        return (word << bitOffset) >> (64 - count);
    }
}
