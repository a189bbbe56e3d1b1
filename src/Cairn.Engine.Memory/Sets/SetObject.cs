using Cairn.Engine.Memory.Collections;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Sets;

/// <summary>
/// A Redis set: unordered unique byte-string members, in one of three encodings as Redis 7.2 keeps them.
/// <list type="bullet">
/// <item>intset: canonical integers (string2ll), sorted ascending; past <see cref="SetEncodingLimits.MaxIntsetEntries"/>
/// members it becomes a hashtable; a non-integer member turns it into a listpack when that stays within the listpack
/// limits, else a hashtable.</item>
/// <item>listpack: members in insertion order; past <see cref="SetEncodingLimits.MaxListpackEntries"/> members or with a
/// member longer than <see cref="SetEncodingLimits.MaxListpackValueBytes"/> it becomes a hashtable.</item>
/// <item>hashtable: a <see cref="BytesMap{TValue}"/>; slot indices serve as SSCAN cursors.</item>
/// </list>
/// Encodings only grow (as in Redis); callers rebuild a set to shrink it. <see cref="MemoryUsageBytes"/> is kept
/// incrementally. Thread safety: none; the store lock serialises access. Enumerating while modifying is not allowed.
/// </summary>
public sealed class SetObject : DataObject
{
    private const long BaseBytes = 48;
    private const long IntsetEntryBytes = 8;
    private const long ListpackEntryOverheadBytes = 2;
    private const long HashtableEntryOverheadBytes = 48;
    private const int RandomProbeLimit = 64;

    private SetEncoding _encoding;
    private long[] _ints = [];
    private int _intCount;
    private List<byte[]>? _list;
    private BytesMap<byte>? _map;
    private long _memoryBytes = BaseBytes;

    private SetObject(SetEncoding encoding, int capacity)
    {
        _encoding = encoding;
        if (encoding == SetEncoding.Listpack)
        {
            _list = new List<byte[]>(Math.Min(capacity, SetEncodingLimits.MaxListpackEntries));
        }
        else if (encoding == SetEncoding.Hashtable)
        {
            _map = new BytesMap<byte>(capacity);
        }
    }

    /// <summary>A snapshot's view of a hashtable set: <paramref name="map"/> is the set's table shared.</summary>
    private SetObject(BytesMap<byte> map, long memoryBytes)
    {
        _encoding = SetEncoding.Hashtable;
        _map = map;
        _memoryBytes = memoryBytes;
    }

    /// <summary>An empty set that starts as an intset (the result sets of SUNIONSTORE and friends start so).</summary>
    public static SetObject CreateIntset() => new(SetEncoding.Intset, 0);

    /// <summary>
    /// Redis's setTypeCreate: the encoding a new set gets from its first member and how many members are coming.
    /// </summary>
    public static SetObject CreateFor(ReadOnlySpan<byte> firstMember, long sizeHint)
    {
        if (IntegerText.TryParse(firstMember, out _) && sizeHint <= SetEncodingLimits.MaxIntsetEntries)
        {
            return new SetObject(SetEncoding.Intset, 0);
        }
        if (sizeHint <= SetEncodingLimits.MaxListpackEntries)
        {
            return new SetObject(SetEncoding.Listpack, (int)sizeHint);
        }
        return new SetObject(SetEncoding.Hashtable, (int)Math.Min(sizeHint, 1 << 20));
    }

    public override DataType Type => DataType.Set;

    public override string Encoding => _encoding switch
    {
        SetEncoding.Intset => "intset",
        SetEncoding.Listpack => "listpack",
        _ => "hashtable",
    };

    public SetEncoding Kind => _encoding;

    public override long MemoryUsageBytes => _memoryBytes;

    public override long Length => Count;

    public int Count => _encoding switch
    {
        SetEncoding.Intset => _intCount,
        SetEncoding.Listpack => _list!.Count,
        _ => _map!.Count,
    };

    public bool Contains(ReadOnlySpan<byte> member) => _encoding switch
    {
        SetEncoding.Intset => IntegerText.TryParse(member, out long value) && IntsetSearch(value) >= 0,
        SetEncoding.Listpack => ListIndexOf(member) >= 0,
        _ => _map!.Find(member) >= 0,
    };

    /// <summary>Adds a member; false when it was already present. May convert the encoding (setTypeAdd).</summary>
    public bool Add(ReadOnlySpan<byte> member)
    {
        switch (_encoding)
        {
            case SetEncoding.Intset:
            {
                if (IntegerText.TryParse(member, out long value))
                {
                    int index = IntsetSearch(value);
                    if (index >= 0)
                    {
                        return false;
                    }
                    IntsetInsert(~index, value);
                    if (_intCount > SetEncodingLimits.MaxIntsetEntries)
                    {
                        ConvertTo(SetEncoding.Hashtable);
                    }
                    return true;
                }
                // Redis bounds the listpack's element size by the widest integer already present.
                int widest = _intCount == 0
                    ? 0
                    : Math.Max(IntegerText.DigitCount(_ints[0]), IntegerText.DigitCount(_ints[_intCount - 1]));
                if (_intCount < SetEncodingLimits.MaxListpackEntries && member.Length <= SetEncodingLimits.MaxListpackValueBytes
                    && widest <= SetEncodingLimits.MaxListpackValueBytes)
                {
                    ConvertTo(SetEncoding.Listpack);
                    ListAppend(member.ToArray());
                }
                else
                {
                    ConvertTo(SetEncoding.Hashtable);
                    MapAdd(member.ToArray());
                }
                return true;
            }
            case SetEncoding.Listpack:
                if (ListIndexOf(member) >= 0)
                {
                    return false;
                }
                if (_list!.Count < SetEncodingLimits.MaxListpackEntries && member.Length <= SetEncodingLimits.MaxListpackValueBytes)
                {
                    ListAppend(member.ToArray());
                }
                else
                {
                    ConvertTo(SetEncoding.Hashtable);
                    MapAdd(member.ToArray());
                }
                return true;
            default:
            {
                int slot = _map!.FindOrAdd(member, out bool added);
                if (added)
                {
                    _memoryBytes += _map.KeyAt(slot).Length + HashtableEntryOverheadBytes;
                }
                return added;
            }
        }
    }

    /// <summary>Removes a member; false when it was absent.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        switch (_encoding)
        {
            case SetEncoding.Intset:
            {
                if (!IntegerText.TryParse(member, out long value))
                {
                    return false;
                }
                int index = IntsetSearch(value);
                if (index < 0)
                {
                    return false;
                }
                IntsetRemoveAt(index);
                return true;
            }
            case SetEncoding.Listpack:
            {
                int index = ListIndexOf(member);
                if (index < 0)
                {
                    return false;
                }
                ListRemoveAt(index);
                return true;
            }
            default:
            {
                int slot = _map!.Find(member);
                if (slot < 0)
                {
                    return false;
                }
                MapRemoveAt(slot);
                return true;
            }
        }
    }

    /// <summary>A uniformly chosen member. REQUIRES: Count &gt; 0.</summary>
    public byte[] RandomMember(IRandomSource random)
    {
        Invariant.Require(Count > 0, "random member of an empty set");
        return _encoding switch
        {
            SetEncoding.Intset => IntegerText.ToBytes(_ints[random.NextInt(_intCount)]),
            SetEncoding.Listpack => _list![random.NextInt(_list.Count)],
            _ => _map!.KeyAt(RandomSlot(random)),
        };
    }

    /// <summary>Removes and returns a uniformly chosen member. REQUIRES: Count &gt; 0.</summary>
    public byte[] PopRandom(IRandomSource random)
    {
        Invariant.Require(Count > 0, "pop from an empty set");
        switch (_encoding)
        {
            case SetEncoding.Intset:
            {
                int index = random.NextInt(_intCount);
                byte[] member = IntegerText.ToBytes(_ints[index]);
                IntsetRemoveAt(index);
                return member;
            }
            case SetEncoding.Listpack:
            {
                int index = random.NextInt(_list!.Count);
                byte[] member = _list[index];
                ListRemoveAt(index);
                return member;
            }
            default:
            {
                int slot = RandomSlot(random);
                byte[] member = _map!.KeyAt(slot);
                MapRemoveAt(slot);
                return member;
            }
        }
    }

    /// <summary>Copies every member, in the encoding's order (ascending for intsets, insertion order for listpacks).</summary>
    public List<byte[]> ToList()
    {
        var members = new List<byte[]>(Count);
        foreach (ReadOnlySpan<byte> member in this)
        {
            members.Add(member.ToArray());
        }
        return members;
    }

    /// <summary>
    /// One SSCAN step from <paramref name="cursor"/>: appends up to <paramref name="count"/> members and returns the next
    /// cursor (0 when done). Compact encodings return everything at once, as Redis does.
    /// </summary>
    public long Scan(long cursor, int count, List<byte[]> output)
    {
        if (_encoding != SetEncoding.Hashtable)
        {
            foreach (ReadOnlySpan<byte> member in this)
            {
                output.Add(member.ToArray());
            }
            return 0;
        }
        if (cursor >= _map!.SlotLimit)
        {
            return 0;
        }
        int slot = _map.NextOccupied((int)cursor);
        int visited = 0;
        while (slot >= 0 && visited < count)
        {
            output.Add(_map.KeyAt(slot));
            visited++;
            slot = _map.NextOccupied(slot + 1);
        }
        return slot < 0 ? 0 : slot;
    }

    /// <summary>The first member's position at or after <paramref name="position"/> (0 or more), or -1. Positions stay
    /// valid while the set is unchanged, so a walk can stop and resume (a snapshot writing a large set in pieces).</summary>
    public int NextPosition(int position) => _encoding switch
    {
        SetEncoding.Intset => position < _intCount ? position : -1,
        SetEncoding.Listpack => position < _list!.Count ? position : -1,
        _ => _map!.NextOccupied(position),
    };

    /// <summary>The member at an occupied position; an intset's integer is formatted into <paramref name="scratch"/>
    /// (at least <see cref="IntegerText.MaxLength"/> bytes).</summary>
    public ReadOnlySpan<byte> MemberAt(int position, Span<byte> scratch) => _encoding switch
    {
        SetEncoding.Intset => scratch[..IntegerText.Format(_ints[position], scratch)],
        SetEncoding.Listpack => _list![position],
        _ => _map!.KeyAt(position),
    };

    public override void PrefetchMembers(ReadOnlySpan<int> hashes) => _map?.Prefetch(hashes);

    public override bool HasMemberTable => _map is not null;

    /// <summary>A hashtable: its slot chunks can be shared with a snapshot.</summary>
    public override bool HasSnapshotView => _map is not null;

    /// <summary>The view of a hashtable set: its slot chunks shared (<see cref="BytesMap{TValue}.Share"/>), no member copied.</summary>
    public override DataObject BeginSnapshotView(SharedArrays shared) =>
        new SetObject(_map!.Share(shared), _memoryBytes);

    public override void EndSnapshotView(SharedArrays shared) => _map?.Unshare(shared);

    /// <summary>A deep copy; its memory figure is recomputed from the members, which also checks the incremental one.</summary>
    public override DataObject Clone()
    {
        var copy = new SetObject(_encoding, Count)
        {
            _ints = (long[])_ints.Clone(),
            _intCount = _intCount,
        };
        copy._memoryBytes += _intCount * IntsetEntryBytes;
        if (_list is not null)
        {
            foreach (byte[] member in _list)
            {
                copy.ListAppend(member);
            }
        }
        if (_map is not null)
        {
            for (int slot = _map.NextOccupied(0); slot >= 0; slot = _map.NextOccupied(slot + 1))
            {
                copy.MapAdd(_map.KeyAt(slot));
            }
        }
        return copy;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Members as spans, valid until the next MoveNext; integers of an intset are formatted into a scratch buffer.</summary>
    public ref struct Enumerator
    {
        private readonly SetObject _set;
        private readonly byte[]? _scratch;
        private int _position;
        private ReadOnlySpan<byte> _current;

        internal Enumerator(SetObject set)
        {
            _set = set;
            _scratch = set._encoding == SetEncoding.Intset ? new byte[IntegerText.MaxLength] : null;
            _position = -1;
            _current = default;
        }

        public readonly ReadOnlySpan<byte> Current => _current;

        public bool MoveNext()
        {
            switch (_set._encoding)
            {
                case SetEncoding.Intset:
                    if (++_position >= _set._intCount)
                    {
                        return false;
                    }
                    _current = _scratch.AsSpan(0, IntegerText.Format(_set._ints[_position], _scratch));
                    return true;
                case SetEncoding.Listpack:
                    if (++_position >= _set._list!.Count)
                    {
                        return false;
                    }
                    _current = _set._list[_position];
                    return true;
                default:
                    _position = _set._map!.NextOccupied(_position + 1);
                    if (_position < 0)
                    {
                        _position = int.MaxValue - 1;
                        return false;
                    }
                    _current = _set._map.KeyAt(_position);
                    return true;
            }
        }
    }

    private int RandomSlot(IRandomSource random)
    {
        // Rejection sampling over slots keeps the choice uniform; a sparse table falls back to the next occupied slot.
        int limit = _map!.SlotLimit;
        for (int attempt = 0; attempt < RandomProbeLimit; attempt++)
        {
            int slot = random.NextInt(limit);
            if (_map.IsOccupied(slot))
            {
                return slot;
            }
        }
        return _map.RandomOccupied(random);
    }

    private int IntsetSearch(long value) => Array.BinarySearch(_ints, 0, _intCount, value);

    private void IntsetInsert(int index, long value)
    {
        if (_intCount == _ints.Length)
        {
            Array.Resize(ref _ints, Math.Max(4, _intCount * 2));
        }
        Array.Copy(_ints, index, _ints, index + 1, _intCount - index);
        _ints[index] = value;
        _intCount++;
        _memoryBytes += IntsetEntryBytes;
    }

    private void IntsetRemoveAt(int index)
    {
        Array.Copy(_ints, index + 1, _ints, index, _intCount - index - 1);
        _intCount--;
        _memoryBytes -= IntsetEntryBytes;
    }

    private int ListIndexOf(ReadOnlySpan<byte> member)
    {
        List<byte[]> list = _list!;
        for (int i = 0; i < list.Count; i++)
        {
            if (member.SequenceEqual(list[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private void ListAppend(byte[] member)
    {
        _list!.Add(member);
        _memoryBytes += member.Length + ListpackEntryOverheadBytes;
    }

    private void ListRemoveAt(int index)
    {
        _memoryBytes -= _list![index].Length + ListpackEntryOverheadBytes;
        _list.RemoveAt(index);
    }

    private void MapAdd(byte[] member)
    {
        _map!.Add(member, 0);
        _memoryBytes += member.Length + HashtableEntryOverheadBytes;
    }

    private void MapRemoveAt(int slot)
    {
        _memoryBytes -= _map!.KeyAt(slot).Length + HashtableEntryOverheadBytes;
        _map.RemoveAt(slot);
    }

    private void ConvertTo(SetEncoding target)
    {
        Invariant.Require(target > _encoding, "set encodings only grow");
        List<byte[]> members = ToList();
        _ints = [];
        _intCount = 0;
        _list = null;
        _map = null;
        _memoryBytes = BaseBytes;
        _encoding = target;
        if (target == SetEncoding.Listpack)
        {
            _list = new List<byte[]>(members.Count + 1);
            foreach (byte[] member in members)
            {
                ListAppend(member);
            }
        }
        else
        {
            _map = new BytesMap<byte>(members.Count + 1);
            foreach (byte[] member in members)
            {
                MapAdd(member);
            }
        }
    }
}
