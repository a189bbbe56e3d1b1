using Cairn.Engine.Lsm.Iterators;

namespace Cairn.Engine.Lsm.Table;

/// <summary>
/// A two-level cursor over a table: the index block picks a data block, the data block's cursor walks its entries
/// (LevelDB's <c>TwoLevelIterator</c>). Thread safety: one thread.
/// </summary>
internal sealed class TableIterator : IInternalIterator
{
    private readonly TableReader _table;
    private readonly bool _fillCache;
    private BlockIterator? _index;
    private BlockIterator? _data;
    private ulong _dataOffset = ulong.MaxValue;

    public TableIterator(TableReader table, bool fillCache)
    {
        _table = table;
        _fillCache = fillCache;
    }

    public bool Valid => _data is not null && _data.Valid;

    public ReadOnlySpan<byte> Key => _data!.Key;

    public ReadOnlySpan<byte> Value => _data!.Value;

    private BlockIterator Index => _index ??= _table.GetIndexBlock().NewIterator();

    public void SeekToFirst()
    {
        Index.SeekToFirst();
        LoadDataBlock();
        _data?.SeekToFirst();
        SkipEmptyForward();
    }

    public void SeekToLast()
    {
        Index.SeekToLast();
        LoadDataBlock();
        _data?.SeekToLast();
        SkipEmptyBackward();
    }

    public void Seek(ReadOnlySpan<byte> internalKey)
    {
        Index.Seek(internalKey);
        LoadDataBlock();
        _data?.Seek(internalKey);
        SkipEmptyForward();
    }

    public void Next()
    {
        _data!.Next();
        SkipEmptyForward();
    }

    public void Prev()
    {
        _data!.Prev();
        SkipEmptyBackward();
    }

    public void Dispose()
    {
    }

    private void LoadDataBlock()
    {
        if (!Index.Valid)
        {
            _data = null;
            _dataOffset = ulong.MaxValue;
            return;
        }
        BlockHandle handle = _table.DecodeHandle(Index.Value);
        if (_data is not null && handle.Offset == _dataOffset)
        {
            return;
        }
        _data = _table.GetDataBlock(handle, _fillCache).NewIterator();
        _dataOffset = handle.Offset;
    }

    private void SkipEmptyForward()
    {
        while (_data is null || !_data.Valid)
        {
            if (!Index.Valid)
            {
                _data = null;
                return;
            }
            Index.Next();
            LoadDataBlock();
            _data?.SeekToFirst();
        }
    }

    private void SkipEmptyBackward()
    {
        while (_data is null || !_data.Valid)
        {
            if (!Index.Valid)
            {
                _data = null;
                return;
            }
            Index.Prev();
            LoadDataBlock();
            _data?.SeekToLast();
        }
    }
}
