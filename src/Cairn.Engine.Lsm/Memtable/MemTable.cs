using Cairn.Engine.Lsm.Iterators;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Memtable;

/// <summary>
/// The in-memory write buffer: a skip list of point entries plus a list of range tombstones.
/// Thread safety: <see cref="Add"/> by one writer at a time (the group-commit leader or recovery); reads concurrently with it
/// and with each other, without locks. Once made immutable (no more adds) it is read until flushed, then dropped.
/// </summary>
internal sealed class MemTable
{
    /// <summary>Object headers, the skip-list link array and two array headers per entry: what the CLR spends beyond the bytes.</summary>
    public const int EntryOverheadBytes = 120;

    private readonly SkipList _list;
    private readonly Lock _tombstoneLock = new();
    private List<RangeTombstone> _tombstones = [];
    private FragmentedRangeTombstones? _fragmented = FragmentedRangeTombstones.Empty;
    private long _memoryBytes;
    private long _entryCount;
    private long _deletionCount;

    public MemTable(ulong walNumber, IRandomSource random)
    {
        WalNumber = walNumber;
        _list = new SkipList(random);
    }

    /// <summary>The write-ahead log holding this memtable's writes; obsolete once the memtable is flushed.</summary>
    public ulong WalNumber { get; }

    public long MemoryBytes => Interlocked.Read(ref _memoryBytes);

    public long EntryCount => Interlocked.Read(ref _entryCount);

    public long DeletionCount => Interlocked.Read(ref _deletionCount);

    public int RangeTombstoneCount => Volatile.Read(ref _tombstones).Count;

    public bool IsEmpty => EntryCount == 0;

    internal SkipList List => _list;

    /// <summary>REQUIRES: one writer at a time; sequence greater than every sequence already added.</summary>
    public void Add(ulong sequence, EntryType type, ReadOnlySpan<byte> userKey, ReadOnlySpan<byte> value)
    {
        if (type == EntryType.RangeDeletion)
        {
            lock (_tombstoneLock)
            {
                var copy = new List<RangeTombstone>(_tombstones.Count + 1);
                copy.AddRange(_tombstones);
                copy.Add(new RangeTombstone(userKey.ToArray(), value.ToArray(), sequence));
                Volatile.Write(ref _tombstones, copy);
                Volatile.Write(ref _fragmented, null);
            }
        }
        else
        {
            _list.Insert(InternalKey.Create(userKey, sequence, type), value.IsEmpty ? [] : value.ToArray());
        }
        if (type is EntryType.Deletion or EntryType.RangeDeletion)
        {
            Interlocked.Increment(ref _deletionCount);
        }
        Interlocked.Increment(ref _entryCount);
        Interlocked.Add(ref _memoryBytes, userKey.Length + InternalKey.TrailerBytes + value.Length + EntryOverheadBytes);
    }

    /// <summary>Newest version of <paramref name="userKey"/> with sequence &lt;= <paramref name="sequence"/> among point entries.</summary>
    public LookupResult Get(ReadOnlySpan<byte> userKey, ulong sequence, out byte[]? value, out ulong foundSequence)
    {
        value = null;
        foundSequence = 0;
        SkipListNode? node = _list.FindGreaterOrEqual(userKey, InternalKey.PackTrailer(sequence, InternalKey.TypeForSeek), []);
        if (node is null || !InternalKey.UserKey(node.Key).SequenceEqual(userKey))
        {
            return LookupResult.NotFound;
        }
        foundSequence = InternalKey.Sequence(node.Key);
        EntryType type = InternalKey.Type(node.Key);
        if (type == EntryType.Value || type == EntryType.ValueWithExpiry)
        {
            value = node.Value;
            return type == EntryType.Value ? LookupResult.Found : LookupResult.FoundExpiring;
        }
        return LookupResult.Deleted;
    }

    public List<RangeTombstone> RangeTombstones => Volatile.Read(ref _tombstones);

    public FragmentedRangeTombstones FragmentedTombstones
    {
        get
        {
            FragmentedRangeTombstones? fragmented = Volatile.Read(ref _fragmented);
            if (fragmented is null)
            {
                lock (_tombstoneLock)
                {
                    fragmented = _fragmented ?? FragmentedRangeTombstones.Build(_tombstones);
                    Volatile.Write(ref _fragmented, fragmented);
                }
            }
            return fragmented;
        }
    }

    public IInternalIterator NewIterator() => new MemTableIterator(_list);
}
