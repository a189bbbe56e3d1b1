using Cairn.Primitives;

namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// The compact encoding of small lists and hashes (Redis's listpack): every element's bytes back to back in one buffer,
/// plus the start offset of each, so a small container costs two arrays instead of an object per element, and access by
/// index stays O(1). Insertion and removal move the bytes after the position, O(size), which the encoding thresholds
/// keep small. Invariants: 0 = _starts[0] &lt;= _starts[1] &lt;= ... &lt;= _used; element i spans [_starts[i], end(i)).
/// Thread safety: none (under the store lock).
/// </summary>
public sealed class PackedElements
{
    private byte[] _buffer;
    private int[] _starts;
    private int _count;
    private int _used;

    public PackedElements(int capacityBytes = 32, int capacityElements = 4)
    {
        _buffer = new byte[Math.Max(capacityBytes, 16)];
        _starts = new int[Math.Max(capacityElements, 4)];
    }

    public int Count => _count;

    /// <summary>Payload bytes held (not counting per-element headers).</summary>
    public int UsedBytes => _used;

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            Invariant.Require((uint)index < (uint)_count, "packed index out of bounds");
            int start = _starts[index];
            return _buffer.AsSpan(start, End(index) - start);
        }
    }

    public void Insert(int index, ReadOnlySpan<byte> element)
    {
        Invariant.Require((uint)index <= (uint)_count, "packed insert out of bounds");
        int length = element.Length;
        EnsureCapacity(_used + length, _count + 1);
        int at = index == _count ? _used : _starts[index];
        Buffer.BlockCopy(_buffer, at, _buffer, at + length, _used - at);
        element.CopyTo(_buffer.AsSpan(at));
        Array.Copy(_starts, index, _starts, index + 1, _count - index);
        _starts[index] = at;
        _count++;
        for (int i = index + 1; i < _count; i++)
        {
            _starts[i] += length;
        }
        _used += length;
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
        int from = _starts[index];
        int to = index + count == _count ? _used : _starts[index + count];
        int length = to - from;
        Buffer.BlockCopy(_buffer, to, _buffer, from, _used - to);
        Array.Copy(_starts, index + count, _starts, index, _count - index - count);
        _count -= count;
        for (int i = index; i < _count; i++)
        {
            _starts[i] -= length;
        }
        _used -= length;
        if (_buffer.Length > 256 && _used < _buffer.Length / 4)
        {
            Array.Resize(ref _buffer, _buffer.Length / 2);
        }
        if (_starts.Length > 64 && _count < _starts.Length / 4)
        {
            Array.Resize(ref _starts, _starts.Length / 2);
        }
    }

    public void Replace(int index, ReadOnlySpan<byte> element)
    {
        Invariant.Require((uint)index < (uint)_count, "packed index out of bounds");
        int start = _starts[index];
        int end = End(index);
        int delta = element.Length - (end - start);
        if (delta != 0)
        {
            EnsureCapacity(_used + delta, _count);
            Buffer.BlockCopy(_buffer, end, _buffer, end + delta, _used - end);
            for (int i = index + 1; i < _count; i++)
            {
                _starts[i] += delta;
            }
            _used += delta;
        }
        element.CopyTo(_buffer.AsSpan(start));
    }

    public PackedElements Clone()
    {
        var copy = new PackedElements(_used, _count);
        Buffer.BlockCopy(_buffer, 0, copy._buffer, 0, _used);
        Array.Copy(_starts, copy._starts, _count);
        copy._count = _count;
        copy._used = _used;
        return copy;
    }

    private int End(int index) => index + 1 == _count ? _used : _starts[index + 1];

    private void EnsureCapacity(int bytes, int elements)
    {
        if (bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(bytes, _buffer.Length * 2));
        }
        if (elements > _starts.Length)
        {
            Array.Resize(ref _starts, Math.Max(elements, _starts.Length * 2));
        }
    }
}
