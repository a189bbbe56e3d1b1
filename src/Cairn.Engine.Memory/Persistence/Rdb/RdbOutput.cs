using System.Buffers;
using System.Buffers.Binary;
using Cairn.Engine.Memory.Sets;

using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Growing RDB output with the format's primitive writers (rdbSaveLen, rdbSaveRawString with integer encoding,
/// binary doubles). Strings are written uncompressed. Not thread-safe.
/// </summary>
public sealed class RdbOutput
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public RdbOutput(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length.</summary>
    public void WriteLength(ulong length)
    {
        if (length < 1 << 6)
        {
            WriteByte((byte)length);
        }
        else if (length < 1 << 14)
        {
            Span<byte> b = _buffer.GetSpan(2);
            b[0] = (byte)(0x40 | (length >> 8));
            b[1] = (byte)length;
            _buffer.Advance(2);
        }
        else if (length <= uint.MaxValue)
        {
            Span<byte> b = _buffer.GetSpan(5);
            b[0] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(b[1..], (uint)length);
            _buffer.Advance(5);
        }
        else
        {
            Span<byte> b = _buffer.GetSpan(9);
            b[0] = 0x81;
            BinaryPrimitives.WriteUInt64BigEndian(b[1..], length);
            _buffer.Advance(9);
        }
    }

    /// <summary>
    /// rdbSaveRawString without LZF: a string of at most 11 bytes that is the canonical text of a 32-bit integer is
    /// written in the 1, 2 or 4 byte integer encoding (rdbTryIntegerEncoding), anything else as length + bytes.
    /// </summary>
    public void WriteString(ReadOnlySpan<byte> value)
    {
        if (value.Length <= 11 && IntegerText.TryParse(value, out long integer) && integer is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> b = _buffer.GetSpan(5);
            if (integer is >= sbyte.MinValue and <= sbyte.MaxValue)
            {
                b[0] = 0xc0;
                b[1] = (byte)(sbyte)integer;
                _buffer.Advance(2);
            }
            else if (integer is >= short.MinValue and <= short.MaxValue)
            {
                b[0] = 0xc1;
                BinaryPrimitives.WriteInt16LittleEndian(b[1..], (short)integer);
                _buffer.Advance(3);
            }
            else
            {
                b[0] = 0xc2;
                BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)integer);
                _buffer.Advance(5);
            }
            return;
        }
        WriteLength((ulong)value.Length);
        WriteBytes(value);
    }

    /// <summary>rdbSaveBinaryDoubleValue: 8 bytes, little-endian.</summary>
    public void WriteDoubleBinary(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }
}
