using Cairn.Engine.Lsm.Manifest;
using Cairn.Engine.Lsm.Table;

namespace Cairn.Engine.Lsm.Iterators;

/// <summary>
/// Concatenates the tables of one level below 0, which are sorted and disjoint, opening one table at a time.
/// Thread safety: one thread. REQUIRES: the version owning <c>files</c> stays pinned while the iterator lives.
/// </summary>
internal sealed class LevelIterator : IInternalIterator
{
    private readonly List<FileMetadata> _files;
    private readonly TableCache _tableCache;
    private readonly bool _fillCache;
    private int _index = -1;
    private IInternalIterator? _table;

    public LevelIterator(List<FileMetadata> files, TableCache tableCache, bool fillCache)
    {
        _files = files;
        _tableCache = tableCache;
        _fillCache = fillCache;
    }

    public bool Valid => _table is not null && _table.Valid;

    public ReadOnlySpan<byte> Key => _table!.Key;

    public ReadOnlySpan<byte> Value => _table!.Value;

    public void SeekToFirst()
    {
        Open(0);
        _table?.SeekToFirst();
        SkipForward();
    }

    public void SeekToLast()
    {
        Open(_files.Count - 1);
        _table?.SeekToLast();
        SkipBackward();
    }

    public void Seek(ReadOnlySpan<byte> internalKey)
    {
        Open(TreeVersion.FindFile(_files, internalKey));
        _table?.Seek(internalKey);
        SkipForward();
    }

    public void Next()
    {
        _table!.Next();
        SkipForward();
    }

    public void Prev()
    {
        _table!.Prev();
        SkipBackward();
    }

    public void Dispose() => _table?.Dispose();

    private void Open(int index)
    {
        if (index < 0 || index >= _files.Count)
        {
            _table?.Dispose();
            _table = null;
            _index = index < 0 ? -1 : _files.Count;
            return;
        }
        if (index != _index || _table is null)
        {
            _table?.Dispose();
            _table = _tableCache.Get(_files[index].Number).NewIterator(_fillCache);
            _index = index;
        }
    }

    private void SkipForward()
    {
        while (_table is not null && !_table.Valid)
        {
            Open(_index + 1);
            _table?.SeekToFirst();
        }
    }

    private void SkipBackward()
    {
        while (_table is not null && !_table.Valid)
        {
            Open(_index - 1);
            _table?.SeekToLast();
        }
    }
}
