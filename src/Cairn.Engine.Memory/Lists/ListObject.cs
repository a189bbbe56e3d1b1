using Cairn.Engine.Memory.Collections;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Lists;

/// <summary>
/// A list value. Encodings as Redis 7: "listpack" while the list fits one listpack node (list-max-listpack-size), held as
/// <see cref="PackedElements"/> (one buffer, no object per element); then "quicklist", held as a
/// <see cref="ChunkedList"/> (packed chunks of list-max-listpack-size, like Redis's quicklist nodes); back to "listpack" when it shrinks to half the limit (hysteresis, so a list at the
/// edge does not flip on every push and pop). The conversion points and sizes follow t_list.c (listTypeTryConversionAppend
/// before every growth, shrinking conversion after every removal), with the listpack size of the elements kept
/// incrementally. Invariant: exactly one of _packed/_deque is set; a list in the keyspace is never empty (callers remove
/// it). Thread safety: store lock.
/// </summary>
public sealed class ListObject : DataObject
{
    private const long RedisObjectBytes = 16;
    private const long QuicklistHeaderBytes = 40;
    private const long QuicklistNodeBytes = 32;
    private const long SizeSafetyLimitBytes = 8192;
    private static readonly long[] s_nodeSizeLimits = [4096, 8192, 16384, 32768, 65536];

    private PackedElements? _packed;
    private ChunkedList? _deque;
    private long _listpackBytes = ListpackSize.EmptyBytes;

    public ListObject()
    {
        _packed = new PackedElements();
    }

    private ListObject(PackedElements? packed, ChunkedList? deque, long listpackBytes)
    {
        _packed = packed;
        _deque = deque;
        _listpackBytes = listpackBytes;
    }

    public override DataType Type => DataType.List;

    public override string Encoding => _packed is not null ? "listpack" : "quicklist";

    public bool IsQuicklist => _deque is not null;

    public override long Length => Count;

    public int Count => _packed?.Count ?? _deque!.Count;

    public override long MemoryUsageBytes
    {
        get
        {
            if (_packed is not null)
            {
                return RedisObjectBytes + _listpackBytes;
            }
            // The quicklist's real nodes, as Redis counts them: a field read, where deriving the count from the node
            // size limit took two divisions and a configuration read per push and pop (2.6% of a pipelined LPOP), and
            // drifted from what was accounted when list-max-listpack-size changed under a live list.
            return RedisObjectBytes + QuicklistHeaderBytes + _deque!.ChunkCount * QuicklistNodeBytes + _listpackBytes;
        }
    }

    /// <summary>Element at <paramref name="index"/> (0-based from the head), valid until the list changes. REQUIRES: 0 &lt;= index &lt; Count.</summary>
    public ReadOnlySpan<byte> this[int index] => _packed is not null ? _packed[index] : _deque![index];

    /// <summary>
    /// The elements from <paramref name="index"/> to the end, in order, each read once: what a range or a whole-list walk
    /// should use rather than the indexer, which locates every element anew. Valid until the list changes.
    /// REQUIRES: 0 &lt;= index &lt; Count.
    /// </summary>
    public ListReader ReadFrom(int index) =>
        _packed is not null ? new ListReader(null, 0, _packed.ReadFrom(index)) : _deque!.ReadFrom(index);

    /// <summary>
    /// Call before adding <paramref name="addedCount"/> elements of <paramref name="addedBytes"/> total length: converts to
    /// quicklist when the result would exceed one listpack node (listTypeTryConversionAppend).
    /// </summary>
    public void PrepareToAdd(long addedBytes, long addedCount)
    {
        if (_packed is not null && ExceedsNodeLimit(_listpackBytes + addedBytes, _packed.Count + addedCount))
        {
            (long sizeLimit, long countLimit) = NodeLimits(EncodingSettings.ListMaxListpackSize);
            var deque = new ChunkedList(
                (int)(sizeLimit == long.MaxValue ? SizeSafetyLimitBytes : sizeLimit), (int)Math.Min(countLimit, int.MaxValue));
            for (int i = 0; i < _packed.Count; i++)
            {
                deque.AddLast(_packed[i]);
            }
            _deque = deque;
            _packed = null;
        }
    }

    /// <summary>After removals: back to listpack when at most half a node is left (listTypeTryConversion, shrinking).</summary>
    public void TryShrink()
    {
        if (_deque is null)
        {
            return;
        }
        (long sizeLimit, long countLimit) = NodeLimits(EncodingSettings.ListMaxListpackSize);
        if (_listpackBytes <= sizeLimit / 2 && _deque.Count <= countLimit / 2)
        {
            var packed = new PackedElements((int)_listpackBytes, _deque.Count);
            for (int i = 0; i < _deque.Count; i++)
            {
                packed.Add(_deque[i]);
            }
            _packed = packed;
            _deque = null;
        }
    }

    public void Push(ReadOnlySpan<byte> element, bool head)
    {
        _listpackBytes += ListpackSize.Entry(element);
        if (_packed is not null)
        {
            _packed.Insert(head ? 0 : _packed.Count, element);
        }
        else if (head)
        {
            _deque!.AddFirst(element);
        }
        else
        {
            _deque!.AddLast(element);
        }
    }

    /// <summary>The first (<paramref name="head"/>) or last element, valid until the list changes. REQUIRES: not empty.</summary>
    public ReadOnlySpan<byte> End(bool head) => _deque is null ? _packed![head ? 0 : _packed.Count - 1] : head ? _deque.First : _deque.Last;

    public byte[] Pop(bool head)
    {
        byte[] element = End(head).ToArray();
        RemoveEnd(head);
        return element;
    }

    /// <summary>
    /// Removes the first (<paramref name="head"/>) or last element without copying it out: LPOP and RPOP write it from
    /// <see cref="End"/> straight into the reply, where <see cref="Pop"/>'s copy was an allocation per element (and gen0
    /// collections under a pipelined LPOP). REQUIRES: the list is not empty.
    /// </summary>
    public void RemoveEnd(bool head)
    {
        _listpackBytes -= ListpackSize.Entry(End(head));
        if (_packed is not null)
        {
            _packed.RemoveAt(head ? 0 : _packed.Count - 1);
        }
        else if (head)
        {
            _deque!.DropFirst();
        }
        else
        {
            _deque!.DropLast();
        }
    }

    /// <summary>Inserts so that the element ends at <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, ReadOnlySpan<byte> element)
    {
        _listpackBytes += ListpackSize.Entry(element);
        if (_packed is not null)
        {
            _packed.Insert(index, element);
        }
        else
        {
            _deque!.Insert(index, element);
        }
    }

    public void Replace(int index, ReadOnlySpan<byte> element)
    {
        _listpackBytes += ListpackSize.Entry(element) - ListpackSize.Entry(this[index]);
        if (_packed is not null)
        {
            _packed.Replace(index, element);
        }
        else
        {
            _deque!.Replace(index, element);
        }
    }

    /// <summary>
    /// LREM: removes up to |count| elements equal to <paramref name="value"/>, from the head when count &gt; 0, from the tail
    /// when count &lt; 0, all when 0. Returns how many were removed.
    /// </summary>
    public long RemoveMatching(ReadOnlySpan<byte> value, long count)
    {
        long limit = count is 0 or long.MinValue ? long.MaxValue : Math.Abs(count);
        long removed = 0;
        if (_packed is not null)
        {
            if (count >= 0)
            {
                for (int i = 0; i < _packed.Count && removed < limit;)
                {
                    if (value.SequenceEqual(_packed[i]))
                    {
                        _listpackBytes -= ListpackSize.Entry(_packed[i]);
                        _packed.RemoveAt(i);
                        removed++;
                    }
                    else
                    {
                        i++;
                    }
                }
            }
            else
            {
                for (int i = _packed.Count - 1; i >= 0 && removed < limit; i--)
                {
                    if (value.SequenceEqual(_packed[i]))
                    {
                        _listpackBytes -= ListpackSize.Entry(_packed[i]);
                        _packed.RemoveAt(i);
                        removed++;
                    }
                }
            }
            return removed;
        }
        removed = _deque!.RemoveWhere(value.ToArray(), static (v, element) => element.SequenceEqual(v), limit, fromTail: count < 0);
        _listpackBytes -= removed * ListpackSize.Entry(value);
        return removed;
    }

    /// <summary>Removes <paramref name="fromHead"/> elements at the head and <paramref name="fromTail"/> at the tail.</summary>
    public void Trim(int fromHead, int fromTail)
    {
        int n = Count;
        for (int i = 0; i < fromHead; i++)
        {
            _listpackBytes -= ListpackSize.Entry(this[i]);
        }
        for (int i = Math.Max(fromHead, n - fromTail); i < n; i++)
        {
            _listpackBytes -= ListpackSize.Entry(this[i]);
        }
        if (_packed is not null)
        {
            _packed.RemoveRange(0, fromHead);
            _packed.RemoveRange(_packed.Count - fromTail, fromTail);
        }
        else
        {
            _deque!.RemoveFirst(fromHead);
            _deque.RemoveLast(fromTail);
        }
    }

    public override DataObject Clone() => new ListObject(_packed?.Clone(), _deque?.Clone(), _listpackBytes);

    /// <summary>A quicklist: its chunks can be shared with a snapshot (<see cref="ChunkedList.Share"/>).</summary>
    public override bool HasSnapshotView => IsQuicklist;

    /// <summary>The view of a quicklist: copies of its chunks' descriptors, not of their elements.</summary>
    public override DataObject BeginSnapshotView(SharedArrays shared) => new ListObject(null, _deque!.Share(shared), _listpackBytes);

    /// <summary>Also when this list has become a listpack since: then there is nothing left to release.</summary>
    public override void EndSnapshotView(SharedArrays shared) => _deque?.Unshare(shared);

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
