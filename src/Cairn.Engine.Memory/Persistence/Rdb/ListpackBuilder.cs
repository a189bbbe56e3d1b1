using System.Buffers.Binary;
using Cairn.Engine.Memory.Sets;

using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Writes a Redis listpack byte for byte as Redis's lpAppend does: each element as the smallest integer encoding when it
/// is a canonical integer (lpStringToInt64), else the smallest string encoding, each followed by its back-length; a
/// 6-byte header (total bytes, element count saturating at 65535) and the 0xFF terminator. Not thread-safe.
/// </summary>
public sealed class ListpackBuilder
{
    private const int HeaderBytes = 6;
    private byte[] _buffer = new byte[64];
    private int _length = HeaderBytes;

    public int Count { get; private set; }

    /// <summary>Bytes the finished listpack takes (with the terminator).</summary>
    public int SizeBytes => _length + 1;

    public void Append(ReadOnlySpan<byte> element)
    {
        Ensure(element.Length + 16);
        int start = _length;
        Span<byte> b = _buffer.AsSpan(_length);
        int n;
        if (element.Length <= 20 && IntegerText.TryParse(element, out long v))
        {
            n = EncodeInteger(v, b);
        }
        else if (element.Length < 64)
        {
            b[0] = (byte)(0x80 | element.Length);
            element.CopyTo(b[1..]);
            n = 1 + element.Length;
        }
        else if (element.Length < 4096)
        {
            b[0] = (byte)(0xe0 | (element.Length >> 8));
            b[1] = (byte)element.Length;
            element.CopyTo(b[2..]);
            n = 2 + element.Length;
        }
        else
        {
            b[0] = 0xf0;
            BinaryPrimitives.WriteUInt32LittleEndian(b[1..], (uint)element.Length);
            element.CopyTo(b[5..]);
            n = 5 + element.Length;
        }
        _length = start + n;
        _length += EncodeBackLength(n, _buffer.AsSpan(_length));
        Count++;
    }

    public byte[] ToArray()
    {
        byte[] result = new byte[SizeBytes];
        _buffer.AsSpan(0, _length).CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)result.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(4), (ushort)Math.Min(Count, 65535));
        result[^1] = 0xff;
        return result;
    }

    private static int EncodeInteger(long v, Span<byte> b)
    {
        if (v is >= 0 and <= 127)
        {
            b[0] = (byte)v;
            return 1;
        }
        if (v is >= -4096 and <= 4095)
        {
            long u = v < 0 ? (1 << 13) + v : v;
            b[0] = (byte)(0xc0 | (u >> 8));
            b[1] = (byte)u;
            return 2;
        }
        if (v is >= short.MinValue and <= short.MaxValue)
        {
            b[0] = 0xf1;
            BinaryPrimitives.WriteInt16LittleEndian(b[1..], (short)v);
            return 3;
        }
        if (v is >= -8388608 and <= 8388607)
        {
            b[0] = 0xf2;
            b[1] = (byte)v;
            b[2] = (byte)(v >> 8);
            b[3] = (byte)(v >> 16);
            return 4;
        }
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            b[0] = 0xf3;
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)v);
            return 5;
        }
        b[0] = 0xf4;
        BinaryPrimitives.WriteInt64LittleEndian(b[1..], v);
        return 9;
    }

    /// <summary>lpEncodeBacklen: the entry's size in 7-bit groups, most significant first, all but the first marked 128.</summary>
    internal static int EncodeBackLength(int size, Span<byte> b)
    {
        if (size <= 127)
        {
            b[0] = (byte)size;
            return 1;
        }
        if (size < 16383)
        {
            b[0] = (byte)(size >> 7);
            b[1] = (byte)((size & 127) | 128);
            return 2;
        }
        if (size < 2097151)
        {
            b[0] = (byte)(size >> 14);
            b[1] = (byte)(((size >> 7) & 127) | 128);
            b[2] = (byte)((size & 127) | 128);
            return 3;
        }
        if (size < 268435455)
        {
            b[0] = (byte)(size >> 21);
            b[1] = (byte)(((size >> 14) & 127) | 128);
            b[2] = (byte)(((size >> 7) & 127) | 128);
            b[3] = (byte)((size & 127) | 128);
            return 4;
        }
        b[0] = (byte)(size >> 28);
        b[1] = (byte)(((size >> 21) & 127) | 128);
        b[2] = (byte)(((size >> 14) & 127) | 128);
        b[3] = (byte)(((size >> 7) & 127) | 128);
        b[4] = (byte)((size & 127) | 128);
        return 5;
    }

    private void Ensure(int extra)
    {
        if (_length + extra + 1 > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra + 1));
        }
    }
}
