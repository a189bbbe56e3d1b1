using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Appends bit fields most-significant bit first into a growable byte buffer.
/// Invariant: every bit at or beyond <see cref="BitLength"/> in the buffer is zero, so writing only ORs bits in.
/// Not thread-safe.
/// </summary>
internal sealed class BitWriter
{
    private byte[] _buffer;
    private long _bitLength;

    public BitWriter(int initialCapacityBytes = 64)
    {
        _buffer = new byte[Math.Max(8, initialCapacityBytes)];
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
        Invariant.Require(count is >= 0 and <= 64, "bit count out of range");
        EnsureCapacity(count);
        while (count > 0)
        {
            int freeInByte = 8 - (int)(_bitLength & 7);
            int take = Math.Min(freeInByte, count);
            ulong bits = (value >> (count - take)) & ((1UL << take) - 1);
            _buffer[_bitLength >> 3] |= (byte)(bits << (freeInByte - take));
            count -= take;
            _bitLength += take;
        }
    }

    private void EnsureCapacity(int bits)
    {
        long neededBytes = (_bitLength + bits + 7) >> 3;
        if (neededBytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Max(neededBytes, _buffer.Length * 2L));
        }
    }
}
