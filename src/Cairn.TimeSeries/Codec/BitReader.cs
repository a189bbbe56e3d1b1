using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>Reads bit fields most-significant bit first, the mirror of <see cref="BitWriter"/>.</summary>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private long _position;

    public BitReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly long Position => _position;

    public bool ReadBit()
    {
        Invariant.Require((_position >> 3) < _buffer.Length, "read past the end of a chunk");
        bool bit = (_buffer[(int)(_position >> 3)] & (0x80 >> (int)(_position & 7))) != 0;
        _position++;
        return bit;
    }

    /// <summary>Reads <paramref name="count"/> bits as an unsigned value. REQUIRES 0 &lt;= count &lt;= 64.</summary>
    public ulong ReadBits(int count)
    {
        Invariant.Require(count is >= 0 and <= 64, "bit count out of range");
        Invariant.Require(((_position + count + 7) >> 3) <= _buffer.Length, "read past the end of a chunk");
        ulong value = 0;
        while (count > 0)
        {
            int availableInByte = 8 - (int)(_position & 7);
            int take = Math.Min(availableInByte, count);
            ulong bits = (ulong)(_buffer[(int)(_position >> 3)] >> (availableInByte - take)) & ((1UL << take) - 1);
            value = take == 64 ? bits : (value << take) | bits;
            count -= take;
            _position += take;
        }
        return value;
    }
}
