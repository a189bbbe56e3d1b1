using System.Buffers.Binary;
using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Appends bit fields most-significant bit first into a growable byte buffer, a 64-bit word at a time.
/// Invariants: every bit at or beyond <see cref="BitLength"/> in the buffer is zero, so writing only ORs bits in; the buffer
/// always has 8 bytes of slack past the last written byte, so a word store never overruns. Not thread-safe.
/// </summary>
internal sealed class BitWriter
{
    private const int SlackBytes = 8;

    private byte[] _buffer;
    private long _bitLength;

    public BitWriter(int initialCapacityBytes = 64)
    {
        _buffer = new byte[Math.Max(16, initialCapacityBytes + SlackBytes)];
    }

    public long BitLength => _bitLength;

    public int ByteLength => (int)((_bitLength + 7) >> 3);

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, ByteLength);

    public void WriteBit(bool bit)
    {
        EnsureCapacity(1);
        if (bit)
        {
            _buffer[_bitLength >> 3] |= (byte)(0x80 >> (int)(_bitLength & 7));
        }
        _bitLength++;
    }

    /// <summary>Writes the low <paramref name="count"/> bits of <paramref name="value"/>. REQUIRES 0 &lt;= count &lt;= 64.</summary>
    public void WriteBits(ulong value, int count)
    {
        Invariant.Require((uint)count <= 64, "bit count out of range");
        if (count > 56)
        {
            WriteBits(value >> 32, count - 32);
            WriteBits(value & 0xFFFF_FFFFUL, 32);
            return;
        }
        if (count == 0)
        {
            return;
        }
        EnsureCapacity(count);
        int byteIndex = (int)(_bitLength >> 3);
        int bitOffset = (int)(_bitLength & 7);
        ulong field = (value & ((1UL << count) - 1)) << (64 - bitOffset - count);
        Span<byte> word = _buffer.AsSpan(byteIndex, 8);
        BinaryPrimitives.WriteUInt64BigEndian(word, BinaryPrimitives.ReadUInt64BigEndian(word) | field);
        _bitLength += count;
    }

    /// <summary>Drops every bit from <paramref name="bitLength"/> on, restoring the all-zero tail. REQUIRES bitLength &lt;= BitLength.</summary>
    public void Truncate(long bitLength)
    {
        Invariant.Require(bitLength >= 0 && bitLength <= _bitLength, "truncate beyond the written bits");
        int oldByteLength = ByteLength;
        int byteIndex = (int)(bitLength >> 3);
        int bitOffset = (int)(bitLength & 7);
        if (bitOffset != 0)
        {
            _buffer[byteIndex] &= (byte)(0xFF << (8 - bitOffset));
            byteIndex++;
        }
        if (oldByteLength > byteIndex)
        {
            _buffer.AsSpan(byteIndex, oldByteLength - byteIndex).Clear();
        }
        _bitLength = bitLength;
    }

    private void EnsureCapacity(int bits)
    {
        long neededBytes = ((_bitLength + bits + 7) >> 3) + SlackBytes;
        if (neededBytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Max(neededBytes, _buffer.Length * 2L));
        }
    }
}
