using Cairn.Engine.Memory.Collections;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Hashes;

/// <summary>
/// A hash value. Encodings as Redis 7: "listpack" (field, value, field, value... packed in insertion order in one
/// <see cref="PackedElements"/>, linear search) while it has at most hash-max-listpack-entries fields and no field or
/// value longer than hash-max-listpack-value, then "hashtable" (never converted back, as Redis). The listpack is a
/// <see cref="PackedBuffer"/> held inline, so a small hash is this object and one array. Positions: the pair
/// index or the table's stable slot index, so one iteration API (NextPosition/FieldAt/ValueAt) serves HGETALL, HSCAN
/// cursors and HRANDFIELD for both encodings. Invariant: _table is null, or _packed is empty; a hash in the keyspace is
/// never empty (callers remove it). Spans returned are valid until the hash changes. Memory: a listpack hash counts what
/// the heap holds (this object and its array); a table counts Redis's dict costs. Thread safety: store lock.
/// </summary>
public sealed class HashObject : DataObject
{
    private const long RedisObjectBytes = 16;

    /// <summary>This object on the .NET heap: header and method table, two references, the packed buffer's four ints, a long.</summary>
    private const long ObjectBytes = 16 + 8 + 8 + 16 + 8;
    private const long DictHeaderBytes = 96;
    private const long DictEntryBytes = 24;
    private const long SdsHeaderBytes = 9;

    private PackedBuffer _packed;
    private BytesMap<byte[]>? _table;

    /// <summary>The table's accounted bytes (Redis's dict costs); unused while a listpack.</summary>
    private long _bytes;

    public HashObject()
    {
    }

    public override DataType Type => DataType.Hash;

    public override string Encoding => _table is null ? "listpack" : "hashtable";

    public bool IsListpack => _table is null;

    public int Count => _table?.Count ?? _packed.Count / 2;

    public override long Length => Count;

    public override long MemoryUsageBytes => _table is null
        ? ObjectBytes + (_packed.CapacityBytes == 0 ? 0 : Database.ArrayBytes(_packed.CapacityBytes))
        : RedisObjectBytes + DictHeaderBytes + 8L * _table.SlotLimit + _bytes;

    /// <summary>One past the last position; positions below it may be free (hashtable).</summary>
    public int PositionLimit => _table?.SlotLimit ?? Count;

    /// <summary>The first occupied position at or after <paramref name="position"/>, or -1.</summary>
    public int NextPosition(int position)
    {
        if (_table is not null)
        {
            return _table.NextOccupied(position);
        }
        return position < Count ? Math.Max(position, 0) : -1;
    }

    public ReadOnlySpan<byte> FieldAt(int position) => _table is null ? _packed[2 * position] : _table.KeyAt(position);

    public ReadOnlySpan<byte> ValueAt(int position) => _table is null ? _packed[2 * position + 1] : _table.ValueAt(position);

    public int RandomPosition(IRandomSource random)
    {
        Invariant.Require(Count > 0, "random field of an empty hash");
        return _table is null ? random.NextInt(Count) : _table.RandomOccupied(random);
    }

    /// <summary>The position of <paramref name="field"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> field)
    {
        if (_table is not null)
        {
            return _table.Find(field);
        }
        int count = _packed.Count;
        for (int i = 0; i < count; i += 2)
        {
            if (field.SequenceEqual(_packed[i]))
            {
                return i / 2;
            }
        }
        return -1;
    }

    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        int position = Find(field);
        value = position < 0 ? default : ValueAt(position);
        return position >= 0;
    }

    /// <summary>
    /// hashTypeTryConversion: call with the longest field or value about to be written; a listpack converts when it is
    /// longer than hash-max-listpack-value.
    /// </summary>
    public void ConvertIfLongerThanLimit(int length)
    {
        if (_table is null && length > EncodingSettings.HashMaxListpackValue)
        {
            ConvertToTable();
        }
    }

    /// <summary>Makes room, while a listpack, for new pairs about to be added: <paramref name="packedBytes"/> is the sum of
    /// <see cref="PackedSize"/> over their fields and values. One allocation of the right size instead of growth steps.</summary>
    public void ReserveForPairs(int pairs, int packedBytes)
    {
        if (_table is null && Count + pairs <= EncodingSettings.HashMaxListpackEntries)
        {
            _packed.Reserve(packedBytes);
        }
    }

    /// <summary>What a field or value takes in the listpack encoding.</summary>
    public static int PackedSize(ReadOnlySpan<byte> element) => Varint.SizeOf((ulong)element.Length) + element.Length;

    /// <summary>Sets a field to a value (both copied). Returns true when the field is new.</summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        ConvertIfLongerThanLimit(Math.Max(field.Length, value.Length));
        int position = Find(field);
        if (position >= 0)
        {
            if (_table is null)
            {
                _packed.Replace(2 * position + 1, value);
            }
            else
            {
                ref byte[] slot = ref _table.ValueAt(position);
                _bytes += value.Length - slot.Length;
                slot = value.ToArray();
            }
            return false;
        }
        if (_table is null)
        {
            _packed.Add(field);
            _packed.Add(value);
            if (Count > EncodingSettings.HashMaxListpackEntries)
            {
                ConvertToTable();
            }
        }
        else
        {
            _table.Add(field.ToArray(), value.ToArray());
            _bytes += TableEntryBytes(field.Length, value.Length);
        }
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        int position = Find(field);
        if (position < 0)
        {
            return false;
        }
        if (_table is not null)
        {
            _bytes -= TableEntryBytes(_table.KeyAt(position).Length, _table.ValueAt(position).Length);
            _table.RemoveAt(position);
            return true;
        }
        _packed.RemoveRange(2 * position, 2);
        return true;
    }

    public override DataObject Clone()
    {
        var copy = new HashObject();
        if (_table is not null)
        {
            copy.ConvertToTable();
        }
        for (int p = NextPosition(0); p >= 0; p = NextPosition(p + 1))
        {
            copy.Set(FieldAt(p), ValueAt(p));
        }
        return copy;
    }

    private void ConvertToTable()
    {
        var table = new BytesMap<byte[]>(_packed.Count / 2);
        long bytes = 0;
        for (int i = 0; i < _packed.Count; i += 2)
        {
            ReadOnlySpan<byte> field = _packed[i];
            ReadOnlySpan<byte> value = _packed[i + 1];
            table.Add(field.ToArray(), value.ToArray());
            bytes += TableEntryBytes(field.Length, value.Length);
        }
        _table = table;
        _packed = default;
        _bytes = bytes;
    }

    private static long TableEntryBytes(int fieldLength, int valueLength) => DictEntryBytes + 2 * SdsHeaderBytes + fieldLength + valueLength;
}
