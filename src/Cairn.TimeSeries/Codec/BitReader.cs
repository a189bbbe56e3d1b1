using System.Buffers.Binary;
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

    public bool ReadBit()
    {
        Invariant.Require(_position < _bitLength, "read past the end of a chunk");
        bool bit = (_buffer[(int)(_position >> 3)] & (0x80 >> (int)(_position & 7))) != 0;
        _position++;
        return bit;
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
        _position += count;
        return (word << bitOffset) >> (64 - count);
    }
}
