using Cairn.Engine.Lsm.Keys;

namespace Cairn.Engine.Lsm.Iterators;

/// <summary>
/// Merges sorted children into one sorted cursor, in both directions (LevelDB's <c>MergingIterator</c>). Children are
/// few (memtables, level-0 tables, one per deeper level), so the smallest is found by a linear scan.
/// Thread safety: one thread. Disposing disposes the children.
/// </summary>
internal sealed class MergingIterator : IInternalIterator
{
    private readonly IInternalIterator[] _children;
    private IInternalIterator? _current;
    private bool _forward = true;

    public MergingIterator(IInternalIterator[] children) => _children = children;

    public bool Valid => _current is not null && _current.Valid;

    public ReadOnlySpan<byte> Key => _current!.Key;

    public ReadOnlySpan<byte> Value => _current!.Value;

    public void SeekToFirst()
    {
        foreach (IInternalIterator child in _children)
        {
            child.SeekToFirst();
        }
        _forward = true;
        FindSmallest();
    }

    public void SeekToLast()
    {
        foreach (IInternalIterator child in _children)
        {
            child.SeekToLast();
        }
        _forward = false;
        FindLargest();
    }

    public void Seek(ReadOnlySpan<byte> internalKey)
    {
        foreach (IInternalIterator child in _children)
        {
            child.Seek(internalKey);
        }
        _forward = true;
        FindSmallest();
    }

    public void Next()
    {
        if (!_forward)
        {
            // Every other child must move to the first entry after the current key.
            byte[] key = Key.ToArray();
            foreach (IInternalIterator child in _children)
            {
                if (!ReferenceEquals(child, _current))
                {
                    child.Seek(key);
                    if (child.Valid && InternalKey.Compare(key, child.Key) == 0)
                    {
                        child.Next();
                    }
                }
            }
            _forward = true;
        }
        _current!.Next();
        FindSmallest();
    }

    public void Prev()
    {
        if (_forward)
        {
            // Every other child must move to the last entry before the current key.
            byte[] key = Key.ToArray();
            foreach (IInternalIterator child in _children)
            {
                if (!ReferenceEquals(child, _current))
                {
                    child.Seek(key);
                    if (child.Valid)
                    {
                        child.Prev();
                    }
                    else
                    {
                        child.SeekToLast();
                    }
                }
            }
            _forward = false;
        }
        _current!.Prev();
        FindLargest();
    }

    public void Dispose()
    {
        foreach (IInternalIterator child in _children)
        {
            child.Dispose();
        }
    }

    private void FindSmallest()
    {
        IInternalIterator? smallest = null;
        foreach (IInternalIterator child in _children)
        {
            if (child.Valid && (smallest is null || InternalKey.Compare(child.Key, smallest.Key) < 0))
            {
                smallest = child;
            }
        }
        _current = smallest;
    }

    private void FindLargest()
    {
        IInternalIterator? largest = null;
        for (int i = _children.Length - 1; i >= 0; i--)
        {
            IInternalIterator child = _children[i];
            if (child.Valid && (largest is null || InternalKey.Compare(child.Key, largest.Key) > 0))
            {
                largest = child;
            }
        }
        _current = largest;
    }
}
