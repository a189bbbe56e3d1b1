using Cairn.Primitives;

namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// The packed element buffer as a mutable struct, for a container to hold inline: a small hash then costs its own
/// object and one array, not three objects (measured 1M two-field hashes: 24 bytes a key less than through the class).
/// The format: every element as [varint length][bytes], back to back. Access by index walks from the start or from a remembered position (the last index reached), so sequential
/// access (iteration, HGETALL, a linear field search followed by its value) is O(1) a step; random access is O(size),
/// which the encoding thresholds keep small, as in Redis. Insertion and removal in the middle move the bytes after the
/// position; at the head they do not: removing the first elements advances the start, and inserting at the head writes
/// into the room before the start (making that room, when there is none, by moving the elements to the buffer's end
/// once). So LPUSH and LPOP on a list chunk cost the element, not the chunk: listpack's memmove of the whole node per
/// head operation was most of a pipelined LPOP's CPU on a big list.
/// Invariants: elements [0, _count) fill _buffer[_offset, _used) (offsets are absolute, into the buffer);
/// _floor &lt;= _offset, and the bytes before _floor are someone else's (a key sharing the array): never read or written,
/// kept when the buffer is reallocated; [_floor, _offset) is free head room; element _cursorIndex (&lt;= _count) starts
/// at _cursorOffset.
/// Thread safety: none (under the store lock).
/// </summary>
public struct PackedBuffer
{
    private const int MinimumBufferBytes = 16;

    private byte[]? _buffer;

    /// <summary>Where our part of the buffer starts: bytes before it are someone else's (a key sharing the array).</summary>
    private int _floor;

    /// <summary>Where the elements start in the buffer (at or after <see cref="_floor"/>).</summary>
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
        return new PackedBuffer { _buffer = buffer, _floor = offset, _offset = offset, _used = used, _count = count, _cursorOffset = offset };
    }

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            Invariant.Require((uint)index < (uint)_count, "packed index out of bounds");
            int start = OffsetOf(index);
            int header = ReadHeader(_buffer.AsSpan(start, _used - start), out int length);
            return _buffer.AsSpan(start + header, length);
        }
    }

    public void Insert(int index, ReadOnlySpan<byte> element)
    {
        Invariant.Require((uint)index <= (uint)_count, "packed insert out of bounds");
        int size = Varint.SizeOf((ulong)element.Length) + element.Length;
        if (index == 0 && _count > 0)
        {
            if (_offset - _floor < size)
            {
                MakeHeadRoom(size);
            }
            _offset -= size;
            WriteElement(_offset, element);
            _count++;
            ResetCursor();
            return;
        }
        EnsureTailRoom(size);
        int at = OffsetOf(index);
        Buffer.BlockCopy(_buffer!, at, _buffer!, at + size, _used - at);
        WriteElement(at, element);
        _used += size;
        _count++;
    }

    public void Add(ReadOnlySpan<byte> element) => Insert(_count, element);

    public void RemoveAt(int index) => RemoveRange(index, 1);

    /// <summary>Removes <paramref name="count"/> elements starting at <paramref name="index"/>.</summary>
    public void RemoveRange(int index, int count) => RemoveRange(index, count, shrink: true);

    /// <summary>
    /// Removes <paramref name="count"/> elements starting at <paramref name="index"/>; with <paramref name="shrink"/>, a
    /// buffer left three quarters empty is reallocated at half its size. A list chunk being drained passes false: it is
    /// released whole when its last element goes, and shrinking it on the way was an allocation and a copy every few pops.
    /// </summary>
    public void RemoveRange(int index, int count, bool shrink)
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
        _count -= count;
        if (index == 0)
        {
            _offset = to; // the removed bytes become head room
            ResetCursor();
        }
        else
        {
            Buffer.BlockCopy(_buffer!, to, _buffer!, from, _used - to);
            _used -= to - from;
            _cursorIndex = index;
            _cursorOffset = from;
        }
        if (_count == 0)
        {
            _offset = _floor;
            _used = _floor;
            ResetCursor();
        }
        if (shrink && _buffer!.Length > 256 && _floor + (_used - _offset) < _buffer.Length / 4)
        {
            Relayout(_buffer.Length / 2, headRoom: 0);
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
            if (delta > 0 && _used + delta > _buffer!.Length)
            {
                int before = _offset;
                EnsureTailRoom(delta);
                start += _offset - before;
                end += _offset - before;
            }
            Buffer.BlockCopy(_buffer!, end, _buffer!, end + delta, _used - end);
            _used += delta;
        }
        WriteElement(start, element);
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
    public void Reserve(int bytes) => EnsureTailRoom(bytes);

    /// <summary>
    /// A reader of the elements from <paramref name="index"/> to the end, in order: it finds the first one as the indexer
    /// does (and remembers it), then steps from header to header without the indexer's bounds, cursor and span checks per
    /// element. Valid until the buffer changes. REQUIRES: 0 &lt;= index &lt;= Count.
    /// </summary>
    public PackedReader ReadFrom(int index)
    {
        Invariant.Require((uint)index <= (uint)_count, "packed index out of bounds");
        int offset = OffsetOf(index);
        return new PackedReader(_buffer.AsSpan(0, _used), offset);
    }

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
        byte[]? buffer = _buffer;
        for (; i < index; i++)
        {
            // Most elements are shorter than 128 bytes: a one-byte header, read without the general varint decoder.
            // An RPOP walks its whole chunk this way (the format has no back links), so this step is its cost.
            byte header = buffer![offset];
            offset += header < 0x80 ? 1 + header : ElementSize(offset);
        }
        _cursorIndex = index;
        _cursorOffset = offset;
        return offset;
    }

    private int ElementSize(int offset)
    {
        int header = ReadHeader(_buffer.AsSpan(offset, _used - offset), out int length);
        return header + length;
    }

    /// <summary>The length header at the start of <paramref name="bytes"/>: its size in bytes, and the element's length.</summary>
    internal static int ReadHeader(ReadOnlySpan<byte> bytes, out int length)
    {
        byte first = bytes[0];
        if (first < 0x80)
        {
            // Most elements are shorter than 128 bytes: a one-byte header.
            length = first;
            return 1;
        }
        int header = Varint.TryRead(bytes, out ulong value);
        Invariant.Require(header > 0, "packed element header");
        length = (int)value;
        return header;
    }

    private void WriteElement(int at, ReadOnlySpan<byte> element)
    {
        int header = Varint.Write(_buffer.AsSpan(at), (ulong)element.Length);
        element.CopyTo(_buffer.AsSpan(at + header));
    }

    private void ResetCursor()
    {
        _cursorIndex = 0;
        _cursorOffset = _offset;
    }

    /// <summary>Room for <paramref name="bytes"/> more bytes after the elements: moves them down into the head room when
    /// that makes enough, else grows the buffer (by half, at most 4 KiB at a time).</summary>
    private void EnsureTailRoom(int bytes)
    {
        if (_buffer is null)
        {
            _buffer = new byte[Math.Max(bytes, MinimumBufferBytes)];
            return;
        }
        if (_used + bytes <= _buffer.Length)
        {
            return;
        }
        int needed = _floor + (_used - _offset) + bytes;
        int length = needed <= _buffer.Length ? _buffer.Length : Math.Max(needed, _buffer.Length + Math.Min(_buffer.Length / 2, 4096));
        Relayout(length, headRoom: 0);
    }

    /// <summary>Room for <paramref name="bytes"/> more bytes before the elements: moves them to the end of the buffer,
    /// growing it first when the free space is short, so the head inserts that follow write in place.</summary>
    private void MakeHeadRoom(int bytes)
    {
        int live = _used - _offset;
        int needed = _floor + live + bytes;
        int length = _buffer is null ? Math.Max(needed, MinimumBufferBytes)
            : needed <= _buffer.Length ? _buffer.Length
            : Math.Max(needed, _buffer.Length + Math.Min(_buffer.Length / 2, 4096));
        Relayout(length, headRoom: length - _floor - live);
    }

    /// <summary>Puts the elements at <c>_floor + headRoom</c> of a buffer of <paramref name="length"/> bytes (this one
    /// when the length is unchanged), keeping the bytes before <see cref="_floor"/>.</summary>
    private void Relayout(int length, int headRoom)
    {
        int live = _used - _offset;
        Invariant.Require(_floor + headRoom + live <= length, "packed relayout overflows");
        int start = _floor + headRoom;
        if (_buffer is null)
        {
            _buffer = new byte[length];
        }
        else if (length == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _offset, _buffer, start, live);
        }
        else
        {
            var next = new byte[length];
            Buffer.BlockCopy(_buffer, 0, next, 0, _floor);
            Buffer.BlockCopy(_buffer, _offset, next, start, live);
            _buffer = next;
        }
        _offset = start;
        _used = start + live;
        ResetCursor();
    }
}

/// <summary>
/// The elements of a <see cref="PackedBuffer"/> from a given one to the end (<see cref="PackedBuffer.ReadFrom"/>), each
/// read once, in order. Valid until the buffer changes.
/// </summary>
public ref struct PackedReader
{
    private readonly ReadOnlySpan<byte> _bytes; // the buffer up to its last element's end
    private int _offset; // where the next element's header starts

    internal PackedReader(ReadOnlySpan<byte> bytes, int offset)
    {
        _bytes = bytes;
        _offset = offset;
    }

    /// <summary>The next element, or false past the last.</summary>
    public bool TryRead(out ReadOnlySpan<byte> element)
    {
        int offset = _offset;
        if (offset >= _bytes.Length)
        {
            element = default;
            return false;
        }
        int header = PackedBuffer.ReadHeader(_bytes[offset..], out int length);
        element = _bytes.Slice(offset + header, length);
        _offset = offset + header + length;
        return true;
    }
}
