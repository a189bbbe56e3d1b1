using System.Buffers.Binary;
using Cairn.Engine.Lsm.Keys;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm;

/// <summary>Walks the entries of an encoded <see cref="WriteBatch"/> without copying them.</summary>
internal ref struct WriteBatchReader
{
    private readonly ReadOnlySpan<byte> _contents;
    private int _position;

    public WriteBatchReader(ReadOnlySpan<byte> contents)
    {
        _contents = contents;
        _position = WriteBatch.HeaderBytes;
    }

    public readonly ulong Sequence => BinaryPrimitives.ReadUInt64LittleEndian(_contents);

    public bool Malformed { get; private set; }

    public bool TryRead(out EntryType type, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        key = default;
        value = default;
        type = EntryType.Value;
        if (_position >= _contents.Length)
        {
            return false;
        }
        type = (EntryType)_contents[_position++];
        if (type > EntryType.ValueWithExpiry || !TryReadSlice(out key))
        {
            Malformed = true;
            return false;
        }
        if (type != EntryType.Deletion && !TryReadSlice(out value))
        {
            Malformed = true;
            return false;
        }
        return true;
    }

    private bool TryReadSlice(out ReadOnlySpan<byte> slice)
    {
        slice = default;
        int consumed = Varint.TryRead(_contents[_position..], out ulong length);
        if (consumed == 0 || length > (ulong)(_contents.Length - _position - consumed))
        {
            return false;
        }
        _position += consumed;
        slice = _contents.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }
}
