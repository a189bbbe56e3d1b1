using Cairn.Engine.Memory.Collections;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Hashes;

/// <summary>
/// A hash value. Encodings as Redis 7: "listpack" (field/value pairs in insertion order, linear search) while it has at
/// most hash-max-listpack-entries fields and no field or value longer than hash-max-listpack-value, then "hashtable"
/// (never converted back, as Redis). Positions: the listpack's pair index or the table's stable slot index, so one
/// iteration API (NextPosition/FieldAt/ValueAt) serves HGETALL, HSCAN cursors and HRANDFIELD for both encodings.
/// Invariant: a hash in the keyspace is never empty (callers remove it). Thread safety: store lock.
/// </summary>
public sealed class HashObject : DataObject
{
    private const long RedisObjectBytes = 16;
    private const long DictHeaderBytes = 96;
    private const long DictEntryBytes = 24;
    private const long SdsHeaderBytes = 9;

    private byte[][] _packedFields;
    private byte[][] _packedValues;
    private int _packedCount;
    private BytesMap<byte[]>? _table;
    private long _bytes;

    public HashObject()
    {
        _packedFields = new byte[4][];
        _packedValues = new byte[4][];
        _bytes = ListpackSize.EmptyBytes;
    }

    public override DataType Type => DataType.Hash;

    public override string Encoding => _table is null ? "listpack" : "hashtable";

    public bool IsListpack => _table is null;

    public int Count => _table?.Count ?? _packedCount;

    public override long Length => Count;

    public override long MemoryUsageBytes => _table is null
        ? RedisObjectBytes + _bytes
        : RedisObjectBytes + DictHeaderBytes + 8L * _table.SlotLimit + _bytes;

    /// <summary>One past the last position; positions below it may be free (hashtable).</summary>
    public int PositionLimit => _table?.SlotLimit ?? _packedCount;

    /// <summary>The first occupied position at or after <paramref name="position"/>, or -1.</summary>
    public int NextPosition(int position)
    {
        if (_table is not null)
        {
            return _table.NextOccupied(position);
        }
        return position < _packedCount ? Math.Max(position, 0) : -1;
    }

    public byte[] FieldAt(int position) => _table is null ? _packedFields[position] : _table.KeyAt(position);

    public byte[] ValueAt(int position) => _table is null ? _packedValues[position] : _table.ValueAt(position);

    public int RandomPosition(IRandomSource random)
    {
        Invariant.Require(Count > 0, "random field of an empty hash");
        return _table is null ? random.NextInt(_packedCount) : _table.RandomOccupied(random);
    }

    /// <summary>The position of <paramref name="field"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> field)
    {
        if (_table is not null)
        {
            return _table.Find(field);
        }
        for (int i = 0; i < _packedCount; i++)
        {
            if (field.SequenceEqual(_packedFields[i]))
            {
                return i;
            }
        }
        return -1;
    }

    public bool TryGet(ReadOnlySpan<byte> field, out byte[] value)
    {
        int position = Find(field);
        value = position < 0 ? [] : ValueAt(position);
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

    /// <summary>Sets a field (taking ownership of both arrays). Returns true when the field is new.</summary>
    public bool Set(byte[] field, byte[] value)
    {
        ConvertIfLongerThanLimit(Math.Max(field.Length, value.Length));
        int position = Find(field);
        if (position >= 0)
        {
            if (_table is null)
            {
                _bytes += ListpackSize.Entry(value) - ListpackSize.Entry(_packedValues[position]);
                _packedValues[position] = value;
            }
            else
            {
                ref byte[] slot = ref _table.ValueAt(position);
                _bytes += value.Length - slot.Length;
                slot = value;
            }
            return false;
        }
        if (_table is null)
        {
            if (_packedCount == _packedFields.Length)
            {
                Array.Resize(ref _packedFields, _packedCount * 2);
                Array.Resize(ref _packedValues, _packedCount * 2);
            }
            _packedFields[_packedCount] = field;
            _packedValues[_packedCount] = value;
            _packedCount++;
            _bytes += ListpackSize.Entry(field) + ListpackSize.Entry(value);
            if (_packedCount > EncodingSettings.HashMaxListpackEntries)
            {
                ConvertToTable();
            }
        }
        else
        {
            _table.Add(field, value);
            _bytes += TableEntryBytes(field, value);
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
            _bytes -= TableEntryBytes(_table.KeyAt(position), _table.ValueAt(position));
            _table.RemoveAt(position);
            return true;
        }
        _bytes -= ListpackSize.Entry(_packedFields[position]) + ListpackSize.Entry(_packedValues[position]);
        int tail = _packedCount - position - 1;
        Array.Copy(_packedFields, position + 1, _packedFields, position, tail);
        Array.Copy(_packedValues, position + 1, _packedValues, position, tail);
        _packedCount--;
        _packedFields[_packedCount] = null!;
        _packedValues[_packedCount] = null!;
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
            copy.Set((byte[])FieldAt(p).Clone(), (byte[])ValueAt(p).Clone());
        }
        return copy;
    }

    private void ConvertToTable()
    {
        var table = new BytesMap<byte[]>(_packedCount);
        long bytes = 0;
        for (int i = 0; i < _packedCount; i++)
        {
            table.Add(_packedFields[i], _packedValues[i]);
            bytes += TableEntryBytes(_packedFields[i], _packedValues[i]);
        }
        _table = table;
        _bytes = bytes;
        _packedFields = [];
        _packedValues = [];
        _packedCount = 0;
    }

    private static long TableEntryBytes(byte[] field, byte[] value) => DictEntryBytes + 2 * SdsHeaderBytes + field.Length + value.Length;
}
