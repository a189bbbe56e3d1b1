using System.Buffers.Binary;
using Cairn.Engine.Lsm.Keys;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm;

/// <summary>
/// Updates applied atomically by <see cref="LsmDatabase.Write"/>: after a crash either all of them are visible or none.
/// The encoding is also the write-ahead log's record payload (docs/formats/lsm-wal.md): sequence (uint64 LE), count
/// (uint32 LE), then per entry a type byte, a varint-prefixed key and, for puts and range deletes, a varint-prefixed value
/// (the exclusive end key for a range delete). Thread safety: none; a batch belongs to one thread until written.
/// </summary>
public sealed class WriteBatch
{
    internal const int HeaderBytes = 12;

    private byte[] _representation = new byte[64];
    private int _length = HeaderBytes;

    public int Count => BinaryPrimitives.ReadInt32LittleEndian(_representation.AsSpan(8));

    /// <summary>Encoded size, a fair measure of the memory and log space the batch takes.</summary>
    public int SizeBytes => _length;

    internal ReadOnlySpan<byte> Contents => _representation.AsSpan(0, _length);

    internal ulong Sequence
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_representation);
        set => BinaryPrimitives.WriteUInt64LittleEndian(_representation, value);
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Add(EntryType.Value, key, value, hasValue: true);

    /// <summary>Puts a value that reads as absent from <paramref name="expiresAt"/> on, and that compaction then removes.</summary>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, DateTimeOffset expiresAt)
    {
        byte[] stored = new byte[ExpiringValue.PrefixBytes + value.Length];
        ExpiringValue.Write(stored, expiresAt.ToUnixTimeMilliseconds(), value);
        Add(EntryType.ValueWithExpiry, key, stored, hasValue: true);
    }

    public void Delete(ReadOnlySpan<byte> key) => Add(EntryType.Deletion, key, default, hasValue: false);

    /// <summary>Deletes every key in [<paramref name="startKey"/>, <paramref name="endKey"/>). An empty range does nothing.</summary>
    public void DeleteRange(ReadOnlySpan<byte> startKey, ReadOnlySpan<byte> endKey)
    {
        if (startKey.SequenceCompareTo(endKey) >= 0)
        {
            return;
        }
        Add(EntryType.RangeDeletion, startKey, endKey, hasValue: true);
    }

    public void Clear()
    {
        Array.Clear(_representation, 0, HeaderBytes);
        _length = HeaderBytes;
    }

    internal void Append(WriteBatch other)
    {
        ReadOnlySpan<byte> entries = other.Contents[HeaderBytes..];
        Reserve(entries.Length);
        entries.CopyTo(_representation.AsSpan(_length));
        _length += entries.Length;
        SetCount(Count + other.Count);
    }

    /// <summary>Replaces the contents with a decoded log record. Returns false if the record is malformed.</summary>
    internal bool TrySetContents(ReadOnlySpan<byte> contents)
    {
        if (contents.Length < HeaderBytes)
        {
            return false;
        }
        _length = 0;
        Reserve(contents.Length);
        contents.CopyTo(_representation);
        _length = contents.Length;
        var reader = new WriteBatchReader(Contents);
        int count = 0;
        while (reader.TryRead(out _, out _, out _))
        {
            count++;
        }
        return !reader.Malformed && count == Count;
    }

    private void Add(EntryType type, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool hasValue)
    {
        Invariant.Require(key.Length <= LsmLimits.MaxKeyBytes, "key within the size limit");
        Invariant.Require(value.Length <= LsmLimits.MaxValueBytes, "value within the size limit");
        Reserve(1 + (2 * Varint.MaxLength64) + key.Length + value.Length);
        Span<byte> destination = _representation.AsSpan(_length);
        destination[0] = (byte)type;
        int position = 1;
        position += Varint.Write(destination[position..], (ulong)key.Length);
        key.CopyTo(destination[position..]);
        position += key.Length;
        if (hasValue)
        {
            position += Varint.Write(destination[position..], (ulong)value.Length);
            value.CopyTo(destination[position..]);
            position += value.Length;
        }
        _length += position;
        SetCount(Count + 1);
    }

    private void SetCount(int count) => BinaryPrimitives.WriteInt32LittleEndian(_representation.AsSpan(8), count);

    private void Reserve(int extraBytes)
    {
        int needed = _length + extraBytes;
        if (needed > _representation.Length)
        {
            Array.Resize(ref _representation, Math.Max(needed, _representation.Length * 2));
        }
    }
}
