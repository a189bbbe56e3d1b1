using Cairn.Engine.Memory.Collections;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Lists;

/// <summary>
/// A list value. Encodings as Redis 7: "listpack" while the list fits one listpack node (list-max-listpack-size), then
/// "quicklist"; back to "listpack" when it shrinks to half the limit (hysteresis, so a list at the edge does not flip on
/// every push and pop). The conversion points and sizes follow t_list.c (listTypeTryConversionAppend before every
/// growth, shrinking conversion after every removal); the size is the listpack size of the elements, kept incrementally.
/// Both encodings hold the elements in one ring buffer, so the encoding is the accounting and reporting model, not a
/// second code path. Invariant: a list in the keyspace is never empty (callers remove it). Thread safety: store lock.
/// </summary>
public sealed class ListObject : DataObject
{
    private const long RedisObjectBytes = 16;
    private const long QuicklistHeaderBytes = 40;
    private const long QuicklistNodeBytes = 32;
    private const long SizeSafetyLimitBytes = 8192;
    private static readonly long[] s_nodeSizeLimits = [4096, 8192, 16384, 32768, 65536];

    private readonly ElementDeque _elements;
    private long _listpackBytes = ListpackSize.EmptyBytes;
    private bool _quicklist;

    public ListObject()
    {
        _elements = new ElementDeque();
    }

    private ListObject(ElementDeque elements, long listpackBytes, bool quicklist)
    {
        _elements = elements;
        _listpackBytes = listpackBytes;
        _quicklist = quicklist;
    }

    public override DataType Type => DataType.List;

    public override string Encoding => _quicklist ? "quicklist" : "listpack";

    public bool IsQuicklist => _quicklist;

    public override long Length => _elements.Count;

    public int Count => _elements.Count;

    public override long MemoryUsageBytes
    {
        get
        {
            if (!_quicklist)
            {
                return RedisObjectBytes + _listpackBytes;
            }
            (long sizeLimit, _) = NodeLimits(EncodingSettings.ListMaxListpackSize);
            long nodes = sizeLimit == long.MaxValue ? 1 : 1 + _listpackBytes / sizeLimit;
            return RedisObjectBytes + QuicklistHeaderBytes + nodes * QuicklistNodeBytes + _listpackBytes;
        }
    }

    /// <summary>Element at <paramref name="index"/> (0-based from the head). REQUIRES: 0 &lt;= index &lt; Count.</summary>
    public byte[] this[int index] => _elements[index];

    /// <summary>
    /// Call before adding <paramref name="addedCount"/> elements of <paramref name="addedBytes"/> total length: converts to
    /// quicklist when the result would exceed one listpack node (listTypeTryConversionAppend).
    /// </summary>
    public void PrepareToAdd(long addedBytes, long addedCount)
    {
        if (!_quicklist && ExceedsNodeLimit(_listpackBytes + addedBytes, _elements.Count + addedCount))
        {
            _quicklist = true;
        }
    }

    /// <summary>After removals: back to listpack when at most half a node is left (listTypeTryConversion, shrinking).</summary>
    public void TryShrink()
    {
        if (!_quicklist)
        {
            return;
        }
        (long sizeLimit, long countLimit) = NodeLimits(EncodingSettings.ListMaxListpackSize);
        if (_listpackBytes <= sizeLimit / 2 && _elements.Count <= countLimit / 2)
        {
            _quicklist = false;
        }
    }

    public void Push(byte[] element, bool head)
    {
        _listpackBytes += ListpackSize.Entry(element);
        if (head)
        {
            _elements.AddFirst(element);
        }
        else
        {
            _elements.AddLast(element);
        }
    }

    public byte[] Pop(bool head)
    {
        byte[] element = head ? _elements.RemoveFirst() : _elements.RemoveLast();
        _listpackBytes -= ListpackSize.Entry(element);
        return element;
    }

    /// <summary>Inserts so that the element ends at <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, byte[] element)
    {
        _listpackBytes += ListpackSize.Entry(element);
        _elements.Insert(index, element);
    }

    public void Replace(int index, byte[] element)
    {
        _listpackBytes += ListpackSize.Entry(element) - ListpackSize.Entry(_elements[index]);
        _elements[index] = element;
    }

    /// <summary>
    /// LREM: removes up to |count| elements equal to <paramref name="value"/>, from the head when count &gt; 0, from the tail
    /// when count &lt; 0, all when 0. One compacting pass. Returns how many were removed.
    /// </summary>
    public long RemoveMatching(ReadOnlySpan<byte> value, long count)
    {
        long limit = count == 0 ? long.MaxValue : Math.Abs(count);
        long removed = 0;
        int n = _elements.Count;
        if (count >= 0)
        {
            int write = 0;
            for (int read = 0; read < n; read++)
            {
                byte[] element = _elements[read];
                if (removed < limit && value.SequenceEqual(element))
                {
                    removed++;
                    _listpackBytes -= ListpackSize.Entry(element);
                    continue;
                }
                if (write != read)
                {
                    _elements[write] = element;
                }
                write++;
            }
            _elements.RemoveLast(n - write);
        }
        else
        {
            int write = n - 1;
            for (int read = n - 1; read >= 0; read--)
            {
                byte[] element = _elements[read];
                if (removed < limit && value.SequenceEqual(element))
                {
                    removed++;
                    _listpackBytes -= ListpackSize.Entry(element);
                    continue;
                }
                if (write != read)
                {
                    _elements[write] = element;
                }
                write--;
            }
            _elements.RemoveFirst(write + 1);
        }
        return removed;
    }

    /// <summary>Removes <paramref name="fromHead"/> elements at the head and <paramref name="fromTail"/> at the tail.</summary>
    public void Trim(int fromHead, int fromTail)
    {
        for (int i = 0; i < fromHead; i++)
        {
            _listpackBytes -= ListpackSize.Entry(_elements[i]);
        }
        _elements.RemoveFirst(fromHead);
        int n = _elements.Count;
        for (int i = n - fromTail; i < n; i++)
        {
            _listpackBytes -= ListpackSize.Entry(_elements[i]);
        }
        _elements.RemoveLast(fromTail);
    }

    public override DataObject Clone() => new ListObject(_elements.Clone(), _listpackBytes, _quicklist);

    private static bool ExceedsNodeLimit(long bytes, long count)
    {
        (long sizeLimit, long countLimit) = NodeLimits(EncodingSettings.ListMaxListpackSize);
        if (sizeLimit != long.MaxValue)
        {
            return bytes > sizeLimit;
        }
        return bytes > SizeSafetyLimitBytes || count > countLimit;
    }

    /// <summary>quicklistNodeLimit: a negative fill limits bytes per node, a positive one entries per node.</summary>
    private static (long SizeLimit, long CountLimit) NodeLimits(int fill)
    {
        if (fill >= 0)
        {
            return (long.MaxValue, fill == 0 ? 1 : fill);
        }
        int offset = (int)Math.Min(-(long)fill - 1, s_nodeSizeLimits.Length - 1);
        return (s_nodeSizeLimits[offset], long.MaxValue);
    }
}
