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

    /// <summary>This object on the .NET heap: header and method table, two references, the packed buffer's five ints, a
    /// long, the view flag (padded).</summary>
    private const long ObjectBytes = 16 + 8 + 8 + 20 + 8 + 4;
    private const long DictHeaderBytes = 96;
    private const long DictEntryBytes = 24;
    private const long SdsHeaderBytes = 9;

    /// <summary>Hashes up to this many packed bytes live embedded in their key's array (see KeyEntry); bigger ones, whose
    /// inserts would copy the whole array each time, are objects of their own.</summary>
    public const int EmbeddedLimitBytes = 512;

    private const int EmbeddedHeaderBytes = 2;

    private PackedBuffer _packed;
    private BytesMap<HashTableValue>? _table;

    /// <summary>A database's view over an embedded hash: its listpack is the slot's array after the key.</summary>
    private readonly bool _isView;

    /// <summary>The table's accounted bytes (Redis's dict costs); unused while a listpack.</summary>
    private long _bytes;

    public HashObject()
    {
    }

    private HashObject(bool isView)
    {
        _isView = isView;
    }

    /// <summary>
    /// True for the view <see cref="Database.OpenHashView"/> hands out: it works on the key's own array, its changes
    /// reach the keyspace by <see cref="Database.CommitHashView"/>, and it is valid only during the command that opened it.
    /// </summary>
    public bool IsView => _isView;

    internal static HashObject CreateView() => new(isView: true);

    /// <summary>A standalone copy of an embedded hash, from the bytes after its key.</summary>
    internal static HashObject FromEmbedded(ReadOnlySpan<byte> embedded)
    {
        int count = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(embedded);
        var hash = new HashObject();
        hash._packed = PackedBuffer.Over(embedded[EmbeddedHeaderBytes..].ToArray(), 0, count);
        return hash;
    }

    /// <summary>Points this view at an embedded hash: data = [key][count][elements].</summary>
    internal void Attach(byte[] data, int keyLength)
    {
        Invariant.Require(_isView, "attaching a standalone hash");
        int count = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(keyLength));
        _packed = PackedBuffer.Over(data, keyLength + EmbeddedHeaderBytes, count);
        _table = null;
        _bytes = 0;
    }

    /// <summary>Points this view at a new, empty embedded hash: data = [key][count 0][capacity to fill].</summary>
    internal void AttachEmpty(byte[] data, int keyLength)
    {
        Invariant.Require(_isView, "attaching a standalone hash");
        _packed = PackedBuffer.Over(data, keyLength + EmbeddedHeaderBytes, 0, keyLength + EmbeddedHeaderBytes);
        _table = null;
        _bytes = 0;
    }

    /// <summary>Whether a hash created with these pairs starts embedded (see <see cref="Database.CreateHashView"/>):
    /// <paramref name="packedBytes"/> sums <see cref="PackedSize"/> over them, <paramref name="longest"/> is the longest.</summary>
    public static bool StartsEmbedded(int pairs, int packedBytes, int longest) =>
        pairs <= EncodingSettings.HashMaxListpackEntries && longest <= EncodingSettings.HashMaxListpackValue
        && packedBytes <= EmbeddedLimitBytes && 2 * pairs <= ushort.MaxValue;

    /// <summary>Small enough, and still a listpack, to live in its key's array.</summary>
    internal bool CanEmbed => _table is null && _packed.Count > 0 && _packed.Count <= ushort.MaxValue && _packed.UsedBytes <= EmbeddedLimitBytes;

    /// <summary>
    /// The key's array holding this hash: [key][count][elements]. A view whose buffer already is exactly that (changed in
    /// place, or grown with the key prefix kept) gives its buffer back. REQUIRES: <see cref="CanEmbed"/>.
    /// </summary>
    internal byte[] ToEmbedded(ReadOnlySpan<byte> key)
    {
        Invariant.Require(CanEmbed, "embedding a hash that cannot be");
        byte[]? buffer = _packed.RawBuffer;
        byte[] data;
        if (_isView && buffer is not null && _packed.StartOffset == key.Length + EmbeddedHeaderBytes && _packed.EndOffset == buffer.Length)
        {
            data = buffer; // the key prefix is untouched: a view never writes before its offset
        }
        else
        {
            data = new byte[key.Length + EmbeddedHeaderBytes + _packed.UsedBytes];
            key.CopyTo(data);
            buffer.AsSpan(_packed.StartOffset, _packed.UsedBytes).CopyTo(data.AsSpan(key.Length + EmbeddedHeaderBytes));
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(key.Length), (ushort)_packed.Count);
        return data;
    }

    /// <summary>Moves this view's contents into a standalone hash (it outgrew embedding) and empties the view.</summary>
    internal HashObject Detach()
    {
        Invariant.Require(_isView, "detaching a standalone hash");
        var standalone = new HashObject();
        if (_table is not null)
        {
            standalone._table = _table;
            standalone._bytes = _bytes;
        }
        else
        {
            standalone._packed = _packed.Clone();
        }
        _packed = default;
        _table = null;
        _bytes = 0;
        return standalone;
    }

    public override DataType Type => DataType.Hash;

    public override string Encoding => _table is null ? "listpack" : "hashtable";

    public bool IsListpack => _table is null;

    public int Count => _table?.Count ?? _packed.Count / 2;

    public override long Length => Count;

    public override long MemoryUsageBytes => _isView ? 0 : _table is null
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

    public ReadOnlySpan<byte> ValueAt(int position) => _table is null ? _packed[2 * position + 1] : _table.ValueAt(position).Bytes;

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
        if (_table is not null)
        {
            // One hash and bucket walk for both the look-up and the insert.
            int slot = _table.FindOrAdd(field, out bool added);
            ref byte[] stored = ref _table.WritableValueAt(slot).Bytes;
            if (added)
            {
                stored = value.ToArray();
                _bytes += TableEntryBytes(field.Length, value.Length);
                return true;
            }
            if (stored.Length == value.Length && !_table.IsShared)
            {
                // The array never leaves this object (readers get spans, copies get their own arrays; a snapshot's view
                // may hold it, hence the check), so an overwrite of the same length reuses it: no allocation, and no
                // young array for the GC to promote into an old table.
                value.CopyTo(stored);
                return false;
            }
            _bytes += value.Length - stored.Length;
            stored = value.ToArray();
            return false;
        }
        int position = Find(field);
        if (position >= 0)
        {
            _packed.Replace(2 * position + 1, value);
            return false;
        }
        _packed.Add(field);
        _packed.Add(value);
        if (Count > EncodingSettings.HashMaxListpackEntries)
        {
            ConvertToTable();
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
            _bytes -= TableEntryBytes(_table.KeyAt(position).Length, _table.ValueAt(position).Bytes.Length);
            _table.RemoveAt(position);
            return true;
        }
        _packed.RemoveRange(2 * position, 2);
        return true;
    }

    public override void PrefetchMembers(ReadOnlySpan<int> hashes) => _table?.Prefetch(hashes);

    public override bool HasMemberTable => _table is not null;

    /// <summary>A table (a view over an embedded hash never is one).</summary>
    public override bool HasSnapshotView => _table is not null && !_isView;

    /// <summary>The view of a table: its slot chunks shared (<see cref="BytesMap{TValue}.Share"/>), no pair copied.</summary>
    public override DataObject BeginSnapshotView(SharedArrays shared) => new HashObject { _table = _table!.Share(shared), _bytes = _bytes };

    public override void EndSnapshotView(SharedArrays shared) => _table?.Unshare(shared);

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
        var table = new BytesMap<HashTableValue>(_packed.Count / 2);
        long bytes = 0;
        for (int i = 0; i < _packed.Count; i += 2)
        {
            ReadOnlySpan<byte> field = _packed[i];
            ReadOnlySpan<byte> value = _packed[i + 1];
            table.Add(field.ToArray(), new HashTableValue { Bytes = value.ToArray() });
            bytes += TableEntryBytes(field.Length, value.Length);
        }
        _table = table;
        _packed = default;
        _bytes = bytes;
    }

    private static long TableEntryBytes(int fieldLength, int valueLength) => DictEntryBytes + 2 * SdsHeaderBytes + fieldLength + valueLength;
}
