using Cairn.Engine.Memory.Collections;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Hashes;

/// <summary>
/// A hash value. Encodings as Redis 7: "listpack" (field, value, field, value... packed in insertion order in one
/// <see cref="PackedElements"/>, linear search) while it has at most hash-max-listpack-entries fields and no field or
/// value longer than hash-max-listpack-value, then "hashtable" (never converted back, as Redis). Positions: the pair
/// index or the table's stable slot index, so one iteration API (NextPosition/FieldAt/ValueAt) serves HGETALL, HSCAN
/// cursors and HRANDFIELD for both encodings. Invariant: exactly one of _packed/_table is set; a hash in the keyspace is
/// never empty (callers remove it). Spans returned are valid until the hash changes. Thread safety: store lock.
/// </summary>
public sealed class HashObject : DataObject
{
    private const long RedisObjectBytes = 16;
    private const long DictHeaderBytes = 96;
    private const long DictEntryBytes = 24;
    private const long SdsHeaderBytes = 9;

    private PackedElements? _packed;
    private BytesMap<byte[]>? _table;
    private long _bytes;

    public HashObject()
    {
        _packed = new PackedElements();
        _bytes = ListpackSize.EmptyBytes;
    }

    public override DataType Type => DataType.Hash;

    public override string Encoding => _table is null ? "listpack" : "hashtable";

    public bool IsListpack => _table is null;

    public int Count => _table?.Count ?? _packed!.Count / 2;

    public override long Length => Count;

    public override long MemoryUsageBytes => _table is null
        ? RedisObjectBytes + _bytes
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

    public ReadOnlySpan<byte> FieldAt(int position) => _table is null ? _packed![2 * position] : _table.KeyAt(position);

    public ReadOnlySpan<byte> ValueAt(int position) => _table is null ? _packed![2 * position + 1] : _table.ValueAt(position);

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
        PackedElements packed = _packed!;
        for (int i = 0; i < packed.Count; i += 2)
        {
            if (field.SequenceEqual(packed[i]))
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

    /// <summary>Sets a field to a value (both copied). Returns true when the field is new.</summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        ConvertIfLongerThanLimit(Math.Max(field.Length, value.Length));
        int position = Find(field);
        if (position >= 0)
        {
            if (_table is null)
            {
                _bytes += ListpackSize.Entry(value) - ListpackSize.Entry(_packed![2 * position + 1]);
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
            _packed!.Add(field);
            _packed.Add(value);
            _bytes += ListpackSize.Entry(field) + ListpackSize.Entry(value);
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
        _bytes -= ListpackSize.Entry(_packed![2 * position]) + ListpackSize.Entry(_packed[2 * position + 1]);
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
        PackedElements packed = _packed!;
        var table = new BytesMap<byte[]>(packed.Count / 2);
        long bytes = 0;
        for (int i = 0; i < packed.Count; i += 2)
        {
            table.Add(packed[i].ToArray(), packed[i + 1].ToArray());
            bytes += TableEntryBytes(packed[i].Length, packed[i + 1].Length);
        }
        _table = table;
        _packed = null;
        _bytes = bytes;
    }

    private static long TableEntryBytes(int fieldLength, int valueLength) => DictEntryBytes + 2 * SdsHeaderBytes + fieldLength + valueLength;
}
