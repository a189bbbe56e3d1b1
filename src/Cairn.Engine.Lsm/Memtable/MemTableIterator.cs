using Cairn.Engine.Lsm.Iterators;
using Cairn.Engine.Lsm.Keys;

namespace Cairn.Engine.Lsm.Memtable;

/// <summary>A cursor over a memtable's skip list. Sees entries added after it was created (harmless: the database iterator
/// filters by sequence).</summary>
internal sealed class MemTableIterator : IInternalIterator
{
    private readonly SkipList _list;
    private SkipListNode? _node;

    public MemTableIterator(SkipList list) => _list = list;

    public bool Valid => _node is not null;

    public ReadOnlySpan<byte> Key => _node!.Key;

    public ReadOnlySpan<byte> Value => _node!.Value;

    public void SeekToFirst() => _node = Volatile.Read(ref _list.Head.Next[0]);

    public void SeekToLast()
    {
        SkipListNode last = _list.FindLast();
        _node = ReferenceEquals(last, _list.Head) ? null : last;
    }

    public void Seek(ReadOnlySpan<byte> internalKey) =>
        _node = _list.FindGreaterOrEqual(InternalKey.UserKey(internalKey), InternalKey.Trailer(internalKey), []);

    public void Next() => _node = Volatile.Read(ref _node!.Next[0]);

    public void Prev()
    {
        SkipListNode previous = _list.FindLessThan(_node!.Key);
        _node = ReferenceEquals(previous, _list.Head) ? null : previous;
    }

    public void Dispose()
    {
    }
}
