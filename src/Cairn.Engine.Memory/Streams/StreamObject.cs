using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Streams;

/// <summary>
/// A stream (t_stream.c): entries in ID order held in blocks of up to <see cref="StreamNode.Capacity"/> (the role of
/// Redis's radix tree of listpacks: a lookup is a binary search over blocks then within one), plus the metadata Redis
/// keeps (last generated ID, entries ever added, greatest deleted ID) and the consumer groups.
/// Invariants: blocks are non-empty and in ID order; every entry ID is &lt;= <see cref="LastId"/>; <see cref="Length"/>
/// counts live entries; <see cref="MemoryUsageBytes"/> is maintained on every change.
/// Thread safety: none; used under the store lock (a snapshot holds its own <see cref="Clone"/>).
/// </summary>
public sealed class StreamObject : DataObject
{
    private const long BaseBytes = 96;
    private const long NodeBytes = 48 + StreamNode.Capacity * 24;

    private readonly List<StreamNode> _nodes = [];
    private SortedDictionary<byte[], StreamGroup>? _groups;
    private long _length;
    private long _bytes = BaseBytes;

    static StreamObject()
    {
        StreamCodec.EnsureRegistered();
    }

    public override DataType Type => DataType.Stream;

    public override string Encoding => "stream";

    public override long MemoryUsageBytes => _bytes;

    public override long Length => _length;

    /// <summary>The last ID generated or set (XSETID); new entries must be greater.</summary>
    public StreamId LastId { get; set; }

    /// <summary>Count of entries ever added (XINFO's entries-added).</summary>
    public long EntriesAdded { get; set; }

    /// <summary>The greatest ID removed by XDEL (XINFO's max-deleted-entry-id).</summary>
    public StreamId MaxDeletedId { get; set; }

    /// <summary>The first live entry's ID, 0-0 when empty (XINFO's recorded-first-entry-id).</summary>
    public StreamId FirstId => _nodes.Count > 0 ? _nodes[0].FirstId : StreamId.Zero;

    /// <summary>The last live entry's ID, 0-0 when empty (streamLastValidID).</summary>
    public StreamId LastEntryId => _nodes.Count > 0 ? _nodes[^1].LastId : StreamId.Zero;

    public int NodeCount => _nodes.Count;

    public int GroupCount => _groups?.Count ?? 0;

    public IEnumerable<StreamGroup> Groups => _groups is null ? [] : _groups.Values;

    internal void AddBytes(long delta) => _bytes += delta;

    /// <summary>Appends an entry. REQUIRES: <paramref name="id"/> &gt; <see cref="LastId"/>.</summary>
    public void Append(StreamId id, byte[][] fieldsAndValues)
    {
        if (id <= LastId)
        {
            throw new InvalidOperationException("stream IDs must grow");
        }
        if (_nodes.Count == 0 || _nodes[^1].IsFull)
        {
            _nodes.Add(new StreamNode());
            _bytes += NodeBytes;
        }
        var entry = new StreamEntry(id, fieldsAndValues);
        _nodes[^1].Append(entry);
        _bytes += entry.SizeBytes;
        _length++;
        LastId = id;
        EntriesAdded++;
    }

    public bool TryGet(StreamId id, out StreamEntry entry)
    {
        if (Locate(id, out int node, out int offset))
        {
            entry = _nodes[node].At(offset);
            return true;
        }
        entry = default;
        return false;
    }

    public bool Contains(StreamId id) => Locate(id, out _, out _);

    /// <summary>Adds the entries with start &lt;= ID &lt;= end to <paramref name="output"/>, at most <paramref name="count"/> (0 = all).</summary>
    public void Range(StreamId start, StreamId end, long count, bool reverse, List<StreamEntry> output)
    {
        if (start > end || _nodes.Count == 0)
        {
            return;
        }
        long emitted = 0;
        if (!reverse)
        {
            int node = FirstNodeWithLastAtLeast(start);
            int offset = node < _nodes.Count ? _nodes[node].LowerBound(start) : 0;
            for (; node < _nodes.Count; node++, offset = 0)
            {
                StreamNode block = _nodes[node];
                for (; offset < block.Count; offset++)
                {
                    StreamEntry entry = block.At(offset);
                    if (entry.Id > end || (count > 0 && emitted == count))
                    {
                        return;
                    }
                    output.Add(entry);
                    emitted++;
                }
            }
            return;
        }
        int last = FirstNodeWithLastAtLeast(end);
        if (last == _nodes.Count)
        {
            last--;
        }
        for (int node = last; node >= 0; node--)
        {
            StreamNode block = _nodes[node];
            int offset = block.LowerBound(end);
            if (offset == block.Count || block.At(offset).Id > end)
            {
                offset--;
            }
            for (; offset >= 0; offset--)
            {
                StreamEntry entry = block.At(offset);
                if (entry.Id < start || (count > 0 && emitted == count))
                {
                    return;
                }
                output.Add(entry);
                emitted++;
            }
        }
    }

    /// <summary>XDEL of one ID; true when it existed.</summary>
    public bool Delete(StreamId id)
    {
        if (!Locate(id, out int node, out int offset))
        {
            return false;
        }
        StreamNode block = _nodes[node];
        _bytes -= block.At(offset).SizeBytes;
        block.RemoveAt(offset);
        if (block.Count == 0)
        {
            _nodes.RemoveAt(node);
            _bytes -= NodeBytes;
        }
        _length--;
        if (id > MaxDeletedId)
        {
            MaxDeletedId = id;
        }
        return true;
    }

    /// <summary>
    /// streamTrim by MAXLEN: whole blocks go while the rest still holds <paramref name="maxLength"/> entries; when
    /// exact, single entries go after that. Approximate trimming stops at the first block it cannot remove whole, and
    /// <paramref name="limit"/> (0 = none) bounds the entries removed by blocks. Returns the entries removed.
    /// </summary>
    public long TrimToLength(long maxLength, bool approximate, long limit)
    {
        long removed = 0;
        while (_nodes.Count > 0 && _length > maxLength)
        {
            StreamNode block = _nodes[0];
            if (limit > 0 && removed + block.Count > limit)
            {
                break;
            }
            if (_length - block.Count >= maxLength)
            {
                removed += RemoveFirstNode();
                continue;
            }
            if (approximate)
            {
                break;
            }
            while (_length > maxLength)
            {
                RemoveFirstEntry(block);
                removed++;
            }
            break;
        }
        return removed;
    }

    /// <summary>streamTrim by MINID: removes entries with ID &lt; <paramref name="minimum"/>, as <see cref="TrimToLength"/>.</summary>
    public long TrimToMinimumId(StreamId minimum, bool approximate, long limit)
    {
        long removed = 0;
        while (_nodes.Count > 0)
        {
            StreamNode block = _nodes[0];
            if (limit > 0 && removed + block.Count > limit)
            {
                break;
            }
            if (block.LastId < minimum)
            {
                removed += RemoveFirstNode();
                continue;
            }
            if (approximate)
            {
                break;
            }
            while (block.Count > 0 && block.FirstId < minimum)
            {
                RemoveFirstEntry(block);
                removed++;
            }
            break;
        }
        return removed;
    }

    public StreamGroup? FindGroup(byte[] name) => _groups?.GetValueOrDefault(name);

    /// <summary>Creates a group; null when the name is taken.</summary>
    public StreamGroup? CreateGroup(byte[] name, StreamId lastId, long entriesRead)
    {
        _groups ??= new SortedDictionary<byte[], StreamGroup>(BytesOrder.Instance);
        if (_groups.ContainsKey(name))
        {
            return null;
        }
        var group = new StreamGroup(this, name, lastId, entriesRead);
        _groups.Add(name, group);
        _bytes += group.SizeBytes();
        return group;
    }

    public bool DestroyGroup(byte[] name)
    {
        if (_groups is null || !_groups.Remove(name, out StreamGroup? group))
        {
            return false;
        }
        _bytes -= group.SizeBytes();
        return true;
    }

    /// <summary>streamRangeHasTombstones(s, start, NULL): an XDEL happened at or after <paramref name="start"/>.</summary>
    public bool HasTombstonesFrom(StreamId start) =>
        _length > 0 && !MaxDeletedId.IsZero && start <= MaxDeletedId;

    /// <summary>streamEstimateDistanceFromFirstEverEntry: entries added up to <paramref name="id"/>, or -1 when unknown.</summary>
    public long EstimateDistanceFromFirstEverEntry(StreamId id)
    {
        if (EntriesAdded == 0)
        {
            return 0;
        }
        if (_length == 0 && id <= LastId)
        {
            return EntriesAdded;
        }
        int compareLast = id.CompareTo(LastId);
        if (compareLast == 0)
        {
            return EntriesAdded;
        }
        if (compareLast > 0)
        {
            return StreamGroup.UnknownEntriesRead;
        }
        StreamId first = FirstId;
        if (MaxDeletedId.IsZero || MaxDeletedId < first)
        {
            int compareFirst = id.CompareTo(first);
            if (compareFirst < 0)
            {
                return EntriesAdded - _length;
            }
            if (compareFirst == 0)
            {
                return EntriesAdded - _length + 1;
            }
        }
        return StreamGroup.UnknownEntriesRead;
    }

    /// <summary>A group's lag as XINFO GROUPS reports it (streamReplyWithCGLag); null when it cannot be known.</summary>
    public long? LagOf(StreamGroup group)
    {
        if (EntriesAdded == 0)
        {
            return 0;
        }
        if (group.EntriesRead != StreamGroup.UnknownEntriesRead && !HasTombstonesFrom(group.LastId))
        {
            return EntriesAdded - group.EntriesRead;
        }
        long read = EstimateDistanceFromFirstEverEntry(group.LastId);
        return read == StreamGroup.UnknownEntriesRead ? null : EntriesAdded - read;
    }

    /// <summary>Updates a group's last-delivered ID and read counter for a delivered entry (streamReplyWithRange).</summary>
    public void AdvanceGroup(StreamGroup group, StreamId id)
    {
        if (id <= group.LastId)
        {
            return;
        }
        if (group.EntriesRead != StreamGroup.UnknownEntriesRead && !HasTombstonesFrom(id))
        {
            group.EntriesRead++;
        }
        else if (EntriesAdded > 0)
        {
            group.EntriesRead = EstimateDistanceFromFirstEverEntry(id);
        }
        group.LastId = id;
    }

    public override DataObject Clone()
    {
        var copy = new StreamObject
        {
            LastId = LastId,
            EntriesAdded = EntriesAdded,
            MaxDeletedId = MaxDeletedId,
            _length = _length,
            _bytes = _bytes,
        };
        foreach (StreamNode node in _nodes)
        {
            copy._nodes.Add(node.Clone());
        }
        if (_groups is not null)
        {
            copy._groups = new SortedDictionary<byte[], StreamGroup>(BytesOrder.Instance);
            foreach (StreamGroup group in _groups.Values)
            {
                copy._groups.Add(group.Name, group.CloneFor(copy));
            }
        }
        return copy;
    }

    /// <summary>Appends an entry while loading, keeping <see cref="LastId"/> and <see cref="EntriesAdded"/> as stored.</summary>
    internal void LoadEntry(StreamId id, byte[][] fieldsAndValues)
    {
        if (_nodes.Count > 0 && id <= _nodes[^1].LastId)
        {
            throw new InvalidDataException("stream entries out of order");
        }
        if (_nodes.Count == 0 || _nodes[^1].IsFull)
        {
            _nodes.Add(new StreamNode());
            _bytes += NodeBytes;
        }
        var entry = new StreamEntry(id, fieldsAndValues);
        _nodes[^1].Append(entry);
        _bytes += entry.SizeBytes;
        _length++;
    }

    private long RemoveFirstNode()
    {
        StreamNode block = _nodes[0];
        long count = block.Count;
        for (int i = 0; i < block.Count; i++)
        {
            _bytes -= block.At(i).SizeBytes;
        }
        _nodes.RemoveAt(0);
        _bytes -= NodeBytes;
        _length -= count;
        return count;
    }

    private void RemoveFirstEntry(StreamNode block)
    {
        _bytes -= block.At(0).SizeBytes;
        block.RemoveFirst();
        _length--;
        if (block.Count == 0)
        {
            _nodes.RemoveAt(0);
            _bytes -= NodeBytes;
        }
    }

    /// <summary>Index of the first block whose last ID is &gt;= <paramref name="id"/> (block count when none).</summary>
    private int FirstNodeWithLastAtLeast(StreamId id)
    {
        int low = 0;
        int high = _nodes.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_nodes[middle].LastId < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    private bool Locate(StreamId id, out int node, out int offset)
    {
        node = FirstNodeWithLastAtLeast(id);
        offset = 0;
        if (node == _nodes.Count)
        {
            return false;
        }
        offset = _nodes[node].LowerBound(id);
        return offset < _nodes[node].Count && _nodes[node].At(offset).Id == id;
    }
}
