using Cairn.Engine.Lsm.Iterators;
using Cairn.Engine.Lsm.Keys;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Table;

/// <summary>
/// A cursor over a block's entries in internal-key order (LevelDB's <c>Block::Iter</c>): binary search over restart points,
/// then a linear scan. Seek assumes internal keys; blocks of other keys are walked with SeekToFirst/Next only.
/// Thread safety: one thread.
/// </summary>
internal sealed class BlockIterator : IInternalIterator
{
    private Block _block;
    private byte[] _data;
    private byte[] _key = new byte[64];
    private int _keyLength;
    private int _current;
    private int _nextOffset;
    private int _valueOffset;
    private int _valueLength;
    private int _restartIndex;

    public BlockIterator(Block block)
    {
        _block = block;
        _data = block.Data;
        _current = block.RestartsOffset;
        _nextOffset = block.RestartsOffset;
    }

    /// <summary>Points the iterator at another block, so that point lookups can reuse one iterator per thread.</summary>
    public void Reset(Block block)
    {
        _block = block;
        _data = block.Data;
        _current = block.RestartsOffset;
        _nextOffset = block.RestartsOffset;
        _keyLength = 0;
        _restartIndex = 0;
    }

    public bool Valid => _current < _block.RestartsOffset;

    public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

    public ReadOnlySpan<byte> Value => _data.AsSpan(_valueOffset, _valueLength);

    public void SeekToFirst()
    {
        SeekToRestartPoint(0);
        ParseNextKey();
    }

    public void SeekToLast()
    {
        SeekToRestartPoint(_block.RestartCount - 1);
        while (ParseNextKey() && _nextOffset < _block.RestartsOffset)
        {
        }
    }

    public void Seek(ReadOnlySpan<byte> internalKey)
    {
        int left = 0;
        int right = _block.RestartCount - 1;
        while (left < right)
        {
            int middle = (left + right + 1) >>> 1;
            int offset = _block.RestartPoint(middle);
            if (!DecodeEntry(offset, out int shared, out int unshared, out _, out int keyOffset) || shared != 0)
            {
                throw Corrupt(offset, "bad entry at restart point");
            }
            if (InternalKey.Compare(_data.AsSpan(keyOffset, unshared), internalKey) < 0)
            {
                left = middle;
            }
            else
            {
                right = middle - 1;
            }
        }
        SeekToRestartPoint(left);
        while (ParseNextKey())
        {
            if (InternalKey.Compare(Key, internalKey) >= 0)
            {
                return;
            }
        }
    }

    public void Next()
    {
        Invariant.Require(Valid, "Next on a valid iterator");
        ParseNextKey();
    }

    public void Prev()
    {
        Invariant.Require(Valid, "Prev on a valid iterator");
        int original = _current;
        while (_block.RestartPoint(_restartIndex) >= original)
        {
            if (_restartIndex == 0)
            {
                _current = _block.RestartsOffset;
                _nextOffset = _block.RestartsOffset;
                return;
            }
            _restartIndex--;
        }
        SeekToRestartPoint(_restartIndex);
        while (ParseNextKey() && _nextOffset < original)
        {
        }
    }

    public void Dispose()
    {
    }

    private void SeekToRestartPoint(int index)
    {
        _keyLength = 0;
        _restartIndex = index;
        _nextOffset = _block.RestartPoint(index);
        _current = _nextOffset;
    }

    private bool ParseNextKey()
    {
        _current = _nextOffset;
        if (_current >= _block.RestartsOffset)
        {
            _current = _block.RestartsOffset;
            return false;
        }
        if (!DecodeEntry(_current, out int shared, out int unshared, out int valueLength, out int keyOffset)
            || shared > _keyLength)
        {
            throw Corrupt(_current, "bad entry");
        }
        int newLength = shared + unshared;
        if (newLength > _key.Length)
        {
            Array.Resize(ref _key, Math.Max(newLength, _key.Length * 2));
        }
        _data.AsSpan(keyOffset, unshared).CopyTo(_key.AsSpan(shared));
        _keyLength = newLength;
        _valueOffset = keyOffset + unshared;
        _valueLength = valueLength;
        _nextOffset = _valueOffset + valueLength;
        while (_restartIndex + 1 < _block.RestartCount && _block.RestartPoint(_restartIndex + 1) < _current + 1)
        {
            _restartIndex++;
        }
        return true;
    }

    private bool DecodeEntry(int offset, out int shared, out int unshared, out int valueLength, out int keyOffset)
    {
        shared = unshared = valueLength = keyOffset = 0;
        ReadOnlySpan<byte> source = _data.AsSpan(offset, _block.RestartsOffset - offset);
        int position = 0;
        int n = Varint.TryRead(source, out ulong a);
        if (n == 0)
        {
            return false;
        }
        position += n;
        n = Varint.TryRead(source[position..], out ulong b);
        if (n == 0)
        {
            return false;
        }
        position += n;
        n = Varint.TryRead(source[position..], out ulong c);
        if (n == 0)
        {
            return false;
        }
        position += n;
        if (b + c > (ulong)(source.Length - position) || a > int.MaxValue)
        {
            return false;
        }
        shared = (int)a;
        unshared = (int)b;
        valueLength = (int)c;
        keyOffset = offset + position;
        return true;
    }

    private CorruptionException Corrupt(int offsetInBlock, string reason) =>
        new(_block.FilePath, _block.FileOffset, $"{reason} at byte {offsetInBlock} of the block");
}
