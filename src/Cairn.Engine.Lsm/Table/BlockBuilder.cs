using System.Buffers.Binary;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Table;

/// <summary>
/// Builds a block of sorted entries with prefix-compressed keys: each entry is shared (varint), unshared (varint), value
/// length (varint), the unshared key suffix and the value. Every <c>restartInterval</c> entries the key is stored whole and its
/// offset recorded; the block ends with the restart offsets (uint32 LE each) and their count (uint32 LE).
/// Thread safety: one thread. REQUIRES: keys added in increasing order.
/// </summary>
internal sealed class BlockBuilder
{
    private readonly int _restartInterval;
    private readonly List<int> _restarts = [0];
    private byte[] _buffer = new byte[4096];
    private int _length;
    private byte[] _lastKey = new byte[64];
    private int _lastKeyLength;
    private int _counter;

    public BlockBuilder(int restartInterval)
    {
        Invariant.Require(restartInterval >= 1, "restart interval at least 1");
        _restartInterval = restartInterval;
    }

    public bool IsEmpty => _length == 0;

    public int EntryCount { get; private set; }

    public int EstimatedSizeBytes => _length + (_restarts.Count * 4) + 4;

    public ReadOnlySpan<byte> LastKey => _lastKey.AsSpan(0, _lastKeyLength);

    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int shared = 0;
        if (_counter < _restartInterval)
        {
            shared = key.CommonPrefixLength(LastKey);
        }
        else
        {
            _restarts.Add(_length);
            _counter = 0;
        }
        int unshared = key.Length - shared;
        Reserve((3 * Varint.MaxLength64) + unshared + value.Length);
        Span<byte> destination = _buffer.AsSpan(_length);
        int position = Varint.Write(destination, (ulong)shared);
        position += Varint.Write(destination[position..], (ulong)unshared);
        position += Varint.Write(destination[position..], (ulong)value.Length);
        key[shared..].CopyTo(destination[position..]);
        position += unshared;
        value.CopyTo(destination[position..]);
        position += value.Length;
        _length += position;
        if (_lastKey.Length < key.Length)
        {
            _lastKey = new byte[Math.Max(key.Length, _lastKey.Length * 2)];
        }
        key.CopyTo(_lastKey);
        _lastKeyLength = key.Length;
        _counter++;
        EntryCount++;
    }

    /// <summary>Appends the restart array and returns the finished block; the builder must be <see cref="Reset"/> before reuse.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        Reserve((_restarts.Count * 4) + 4);
        foreach (int restart in _restarts)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), restart);
            _length += 4;
        }
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), _restarts.Count);
        _length += 4;
        return _buffer.AsSpan(0, _length);
    }

    public void Reset()
    {
        _length = 0;
        _restarts.Clear();
        _restarts.Add(0);
        _counter = 0;
        _lastKeyLength = 0;
        EntryCount = 0;
    }

    private void Reserve(int extraBytes)
    {
        if (_length + extraBytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_length + extraBytes, _buffer.Length * 2));
        }
    }
}
