using System.Buffers;

namespace Cairn.Server.Networking;

/// <summary>
/// A connection's pending output: replies and pushes are written at the tail, the socket takes bytes from the head. A
/// queue of chunks (16 KB from the shared pool; one of the exact size for a larger write, not pooled above 1 MB), so a
/// large reply to a slow reader is never copied to grow a buffer. Fully sent chunks go back to the pool at once, so an
/// idle connection holds no output memory.
/// Thread safety: none; the connection's output lock guards every call (writers, the sender, and readers of
/// <see cref="Length"/> through the connection's own counter).
/// </summary>
internal sealed class OutputBuffer : IBufferWriter<byte>
{
    private const int ChunkBytes = 16 * 1024;
    private const int MaxPooledBytes = 1024 * 1024;
    private readonly Queue<Chunk> _sealed = new(); // full chunks before the tail, oldest first
    private byte[]? _tail;
    private int _tailWritten;
    private int _headOffset; // bytes of the head chunk already sent (the oldest sealed chunk, or the tail if none)
    private long _length;

    /// <summary>Bytes written and not yet sent.</summary>
    public long Length => _length;

    /// <summary>The oldest unsent bytes (the rest of the head chunk); empty when nothing is pending.</summary>
    public ReadOnlyMemory<byte> Head => _sealed.TryPeek(out Chunk head)
        ? head.Array.AsMemory(_headOffset, head.Length - _headOffset)
        : _tail is null ? default : _tail.AsMemory(_headOffset, _tailWritten - _headOffset);

    public void Advance(int count)
    {
        if (_tail is null || (uint)count > (uint)(_tail.Length - _tailWritten))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }
        _tailWritten += count;
        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).Span;

    private Memory<byte> Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_tail is not null && _tail.Length - _tailWritten >= needed)
        {
            return _tail.AsMemory(_tailWritten);
        }
        if (_tail is not null && _tailWritten > 0)
        {
            // Seal the tail; if it was the head, the head offset now applies to it as the oldest sealed chunk.
            _sealed.Enqueue(new Chunk(_tail, _tailWritten));
            _tail = null;
            _tailWritten = 0;
        }
        if (_tail is not null)
        {
            Return(_tail); // empty and too small for this write
            _tail = null;
        }
        _tail = Rent(Math.Max(needed, ChunkBytes));
        if (_sealed.Count == 0)
        {
            _headOffset = 0;
        }
        return _tail.AsMemory(_tailWritten);
    }

    /// <summary>
    /// The unsent bytes in order, as up to <paramref name="segments"/>.Length buffers (the rest of the head chunk, the
    /// sealed chunks, the tail): how many were filled, and in <paramref name="bytes"/> how many bytes they hold.
    /// </summary>
    public int GetSegments(Span<ReadOnlyMemory<byte>> segments, out long bytes)
    {
        bytes = 0;
        if (_length == 0 || segments.IsEmpty)
        {
            return 0;
        }
        int count = 0;
        int offset = _headOffset;
        foreach (Chunk chunk in _sealed)
        {
            segments[count++] = chunk.Array.AsMemory(offset, chunk.Length - offset);
            bytes += chunk.Length - offset;
            offset = 0;
            if (count == segments.Length)
            {
                return count;
            }
        }
        if (_tail is not null && _tailWritten > offset)
        {
            segments[count++] = _tail.AsMemory(offset, _tailWritten - offset);
            bytes += _tailWritten - offset;
        }
        return count;
    }

    /// <summary>Drops <paramref name="count"/> sent bytes from the head, across chunks (at most <see cref="Length"/>).</summary>
    public void ConsumeAcross(long count)
    {
        while (count > 0)
        {
            int take = (int)Math.Min(count, Head.Length);
            Consume(take);
            count -= take;
        }
    }

    /// <summary>Drops <paramref name="count"/> sent bytes from the head (at most <see cref="Head"/>'s length).</summary>
    public void Consume(int count)
    {
        if (count <= 0)
        {
            return;
        }
        _length -= count;
        _headOffset += count;
        if (_sealed.TryPeek(out Chunk head))
        {
            if (_headOffset >= head.Length)
            {
                _sealed.Dequeue();
                Return(head.Array);
                _headOffset = 0;
            }
            return;
        }
        if (_headOffset >= _tailWritten)
        {
            // All sent: an idle connection keeps no output memory.
            Return(_tail!);
            _tail = null;
            _tailWritten = 0;
            _headOffset = 0;
        }
    }

    /// <summary>Discards everything pending and returns the chunks (the peer is gone).</summary>
    public void Clear()
    {
        while (_sealed.TryDequeue(out Chunk chunk))
        {
            Return(chunk.Array);
        }
        if (_tail is not null)
        {
            Return(_tail);
            _tail = null;
        }
        _tailWritten = 0;
        _headOffset = 0;
        _length = 0;
    }

    private static byte[] Rent(int size) =>
        size <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);

    private static void Return(byte[] array)
    {
        if (array.Length <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private readonly record struct Chunk(byte[] Array, int Length);
}
