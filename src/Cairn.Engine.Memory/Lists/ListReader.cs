using Cairn.Engine.Memory.Collections;

namespace Cairn.Engine.Memory.Lists;

/// <summary>
/// A list's elements from a given one to the end, each read once, in order (<see cref="ListObject.ReadFrom"/>): the
/// current chunk's <see cref="PackedReader"/>, then the next chunk's. Valid until the list changes.
/// </summary>
public ref struct ListReader
{
    private readonly ChunkedList? _chunks; // null: a listpack list, whose one buffer is _current
    private int _chunk;
    private PackedReader _current;

    internal ListReader(ChunkedList? chunks, int chunk, PackedReader current)
    {
        _chunks = chunks;
        _chunk = chunk;
        _current = current;
    }

    /// <summary>The next element, or false past the last.</summary>
    public bool TryRead(out ReadOnlySpan<byte> element)
    {
        while (!_current.TryRead(out element))
        {
            if (_chunks is null || !_chunks.TryReadChunk(_chunk + 1, out _current))
            {
                return false;
            }
            _chunk++;
        }
        return true;
    }
}
