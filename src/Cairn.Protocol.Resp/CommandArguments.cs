namespace Cairn.Protocol.Resp;

/// <summary>
/// The arguments of one request, argument 0 being the command name. Slices point into the connection's receive buffer or
/// into <see cref="Scratch"/>; they are valid only until the next request is parsed (MULTI copies what it queues).
/// </summary>
public sealed class CommandArguments
{
    private ReadOnlyMemory<byte>[] _items = new ReadOnlyMemory<byte>[16];

    public int Count { get; private set; }

    /// <summary>Owned buffer for requests that were not contiguous in the receive buffer, and for inline requests.</summary>
    internal byte[] Scratch { get; set; } = new byte[256];

    public ReadOnlySpan<byte> this[int index] => _items[index].Span;

    public ReadOnlyMemory<byte> GetMemory(int index) => _items[index];

    /// <summary>
    /// The request's multibulk frame exactly as received, when the arguments are that frame's (set by
    /// <see cref="FrameIndex.TryTake"/>; any change to the arguments clears it). The AOF logs a run of such frames as one
    /// copy. The array is the connection's receive buffer: valid only while the request's batch runs.
    /// </summary>
    public ArraySegment<byte> Frame { get; private set; }

    public void Clear()
    {
        Count = 0;
        Frame = default;
    }

    /// <summary>Records <see cref="Frame"/>: the arguments just added are exactly those of this multibulk frame.</summary>
    internal void SetFrame(ArraySegment<byte> frame) => Frame = frame;

    public void Add(ReadOnlyMemory<byte> item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
        _items[Count++] = item;
        Frame = default;
    }

    /// <summary>Replaces one argument (XREAD BLOCK pins '$' to the ID it meant before the request is saved).</summary>
    public void Set(int index, ReadOnlyMemory<byte> item)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        _items[index] = item;
        Frame = default;
    }

    /// <summary>Copies every argument into owned arrays (for MULTI queues and blocked clients).</summary>
    public byte[][] ToOwnedArray()
    {
        var result = new byte[Count][];
        for (int i = 0; i < Count; i++)
        {
            result[i] = _items[i].ToArray();
        }
        return result;
    }

    public void SetFrom(byte[][] owned)
    {
        Clear();
        foreach (byte[] item in owned)
        {
            Add(item);
        }
    }

    /// <summary>Drops the receive buffer and scratch references so a long-lived idle connection pins no memory.</summary>
    public void Release()
    {
        Array.Clear(_items, 0, Count);
        Clear();
        if (Scratch.Length > 64 * 1024)
        {
            Scratch = new byte[256];
        }
    }
}
