namespace Cairn.Documents.Search;

/// <summary>
/// The document ids holding one TAG value or TEXT term. Most terms (names, ids, rare words) hold a handful of documents, so
/// small lists are an unsorted int array and only lists past <see cref="InlineLimit"/> become a hash set.
/// </summary>
/// <remarks>Invariant: ids are unique; exactly one of the two representations is in use.</remarks>
public sealed class PostingList
{
    private const int InlineLimit = 8;

    private int[]? _small = new int[1];
    private int _smallCount;
    private HashSet<int>? _large;

    public int Count => _large?.Count ?? _smallCount;

    public bool Contains(int id)
    {
        if (_large is not null)
        {
            return _large.Contains(id);
        }
        for (int i = 0; i < _smallCount; i++)
        {
            if (_small![i] == id)
            {
                return true;
            }
        }
        return false;
    }

    public bool Add(int id)
    {
        if (_large is not null)
        {
            return _large.Add(id);
        }
        if (Contains(id))
        {
            return false;
        }
        if (_smallCount == InlineLimit)
        {
            _large = new HashSet<int>(_small!);
            _small = null;
            return _large.Add(id);
        }
        if (_smallCount == _small!.Length)
        {
            Array.Resize(ref _small, Math.Min(InlineLimit, _small.Length * 2));
        }
        _small[_smallCount++] = id;
        return true;
    }

    public bool Remove(int id)
    {
        if (_large is not null)
        {
            return _large.Remove(id);
        }
        for (int i = 0; i < _smallCount; i++)
        {
            if (_small![i] == id)
            {
                _small[i] = _small[--_smallCount];
                return true;
            }
        }
        return false;
    }

    public void AddTo(HashSet<int> target)
    {
        if (_large is not null)
        {
            target.UnionWith(_large);
            return;
        }
        for (int i = 0; i < _smallCount; i++)
        {
            target.Add(_small![i]);
        }
    }

    public long EstimateBytes() => _large is not null ? 64 + (_large.Count * 12L) : 40 + (_small!.Length * 4L);
}
