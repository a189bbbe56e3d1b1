using Cairn.Primitives;

namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// The packed element buffer as a mutable struct, for a container to hold inline: a small hash then costs its own
/// object and one array, not three objects (measured 1M two-field hashes: 24 bytes a key less than through the class).
/// The format: every element as [varint length][bytes], back to back. Access by index walks from the start or from a remembered position (the last index reached), so sequential
/// access (iteration, HGETALL, a linear field search followed by its value) is O(1) a step; random access is O(size),
/// which the encoding thresholds keep small, as in Redis. Insertion and removal move the bytes after the position.
/// Invariants: elements [0, _count) fill _buffer[_offset, _used) (offsets are absolute, into the buffer); element
/// _cursorIndex (&lt;= _count) starts at _cursorOffset. The bytes before _offset are never read or written.
/// Thread safety: none (under the store lock).
/// </summary>
public struct PackedBuffer
{
    private const int MinimumBufferBytes = 16;

    private byte[]? _buffer;

    /// <summary>Where the elements start in the buffer: bytes before it are someone else's (a key sharing the array).</summary>
    private int _offset;
    private int _count;
    private int _used;
    private int _cursorIndex;
    private int _cursorOffset;

    public PackedBuffer(int capacityBytes)
    {
        _buffer = new byte[Math.Max(capacityBytes, MinimumBufferBytes)];
    }

    public readonly int Count => _count;

    /// <summary>Bytes allocated (the buffer's length).</summary>
    public readonly int CapacityBytes => _buffer?.Length ?? 0;

    /// <summary>Bytes held, length headers included.</summary>
    public readonly int UsedBytes => _used - _offset;

    /// <summary>The buffer itself (null before the first element), its elements in [StartOffset, EndOffset).</summary>
    public readonly byte[]? RawBuffer => _buffer;

    public readonly int StartOffset => _offset;

    public readonly int EndOffset => _used;

    /// <summary>Elements already packed in buffer[offset, buffer.Length), e.g. after a prefix that is not ours.</summary>
    public static PackedBuffer Over(byte[] buffer, int offset, int count) => Over(buffer, offset, count, buffer.Length);

    /// <summary>Elements already packed in buffer[offset, used); the bytes after are free capacity.</summary>
    public static PackedBuffer Over(byte[] buffer, int offset, int count, int used)
    {
        Invariant.Require((uint)offset <= (uint)used && (uint)used <= (uint)buffer.Length && count >= 0, "packed region out of bounds");
        return new PackedBuffer { _buffer = buffer, _offset = offset, _used = used, _count = count, _cursorOffset = offset };
    }

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            Invariant.Require((uint)index < (uint)_count, "packed index out of bounds");
            int start = OffsetOf(index);
            int header = Varint.TryRead(_buffer.AsSpan(start, _used - start), out ulong length);
            return _buffer.AsSpan(start + header, (int)length);
        }
    }

    public void Insert(int index, ReadOnlySpan<byte> element)
    {
        Invariant.Require((uint)index <= (uint)_count, "packed insert out of bounds");
        int at = OffsetOf(index);
        int size = Varint.SizeOf((ulong)element.Length) + element.Length;
        EnsureCapacity(_used + size);
        Buffer.BlockCopy(_buffer!, at, _buffer!, at + size, _used - at);
        int header = Varint.Write(_buffer.AsSpan(at), (ulong)element.Length);
        element.CopyTo(_buffer.AsSpan(at + header));
        _used += size;
        _count++;
    }

    public void Add(ReadOnlySpan<byte> element) => Insert(_count, element);

    public void RemoveAt(int index) => RemoveRange(index, 1);

    /// <summary>Removes <paramref name="count"/> elements starting at <paramref name="index"/>.</summary>
    public void RemoveRange(int index, int count)
    {
        Invariant.Require(index >= 0 && count >= 0 && index + count <= _count, "packed range out of bounds");
        if (count == 0)
        {
            return;
        }
        int from = OffsetOf(index);
        int to = from;
        for (int i = 0; i < count; i++)
        {
            to += ElementSize(to);
        }
        Buffer.BlockCopy(_buffer!, to, _buffer!, from, _used - to);
        _used -= to - from;
        _count -= count;
        _cursorIndex = index;
        _cursorOffset = from;
        if (_buffer!.Length > 256 && _used < _buffer.Length / 4)
        {
            Array.Resize(ref _buffer, _buffer.Length / 2);
        }
    }

    public void Replace(int index, ReadOnlySpan<byte> element)
    {
        Invariant.Require((uint)index < (uint)_count, "packed index out of bounds");
        int start = OffsetOf(index);
        int end = start + ElementSize(start);
        int size = Varint.SizeOf((ulong)element.Length) + element.Length;
        int delta = size - (end - start);
        if (delta != 0)
        {
            EnsureCapacity(_used + delta);
            Buffer.BlockCopy(_buffer!, end, _buffer!, end + delta, _used - end);
            _used += delta;
        }
        int header = Varint.Write(_buffer.AsSpan(start), (ulong)element.Length);
        element.CopyTo(_buffer.AsSpan(start + header));
    }

    public readonly PackedBuffer Clone()
    {
        int used = _used - _offset;
        var copy = new PackedBuffer(used);
        if (used > 0)
        {
            Buffer.BlockCopy(_buffer!, _offset, copy._buffer!, 0, used);
        }
        copy._count = _count;
        copy._used = used;
        return copy;
    }

    /// <summary>Makes room for <paramref name="bytes"/> more bytes at once (a command that knows what it will add).</summary>
    public void Reserve(int bytes) => EnsureCapacity(_used + bytes);

    /// <summary>Where element <paramref name="index"/> (or the end, for index == Count) starts; remembers it.</summary>
    private int OffsetOf(int index)
    {
        int i = 0;
        int offset = _offset;
        if (index >= _cursorIndex)
        {
            i = _cursorIndex;
            offset = _cursorOffset;
        }
        if (index == _count)
        {
            i = index;
            offset = _used;
        }
        for (; i < index; i++)
        {
            offset += ElementSize(offset);
        }
        _cursorIndex = index;
        _cursorOffset = offset;
        return offset;
    }

    private int ElementSize(int offset)
    {
        int header = Varint.TryRead(_buffer.AsSpan(offset, _used - offset), out ulong length);
        Invariant.Require(header > 0, "packed element header");
        return header + (int)length;
    }

    private void EnsureCapacity(int bytes)
    {
        if (_buffer is null)
        {
            _buffer = new byte[Math.Max(bytes, MinimumBufferBytes)];
        }
        else if (bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(bytes, _buffer.Length + Math.Min(_buffer.Length / 2, 4096)));
        }
    }
}
