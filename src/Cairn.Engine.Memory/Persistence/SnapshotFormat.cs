using System.Buffers;
using System.Buffers.Binary;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Snapshot file format (docs/formats/snapshot.md): a 24-byte header (magic "CAIRNSNP", version, flags, creation time
/// in Unix ms), then records [payload length u32][masked CRC32C u32][payload] of two kinds: a key
/// (kind 1: db, key, expiry, type, value), more items of the key record before it (kind 4: a large collection's value
/// continued), auxiliary data (kind 3: name, bytes; after the keys; the name "pad" is padding) and the end (kind 2: key
/// count). A file without its end record is incomplete.
/// </summary>
public static class SnapshotFormat
{
    public const int Version = 1;
    public const int HeaderBytes = 24;
    public const byte KeyRecord = 1;
    public const byte EndRecord = 2;
    public const byte AuxRecord = 3;
    public const byte MoreItemsRecord = 4;
    public const int MaxPayloadBytes = 1 << 30;

    public static ReadOnlySpan<byte> Magic => "CAIRNSNP"u8;

    public static byte[] CreateHeader(long createdAtMilliseconds)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), createdAtMilliseconds);
        return header;
    }

    /// <summary>Appends a key record to <paramref name="output"/>. Throws when the type has no codec.</summary>
    public static void WriteKey(ArrayBufferWriter<byte> output, ArrayBufferWriter<byte> scratch, int database, ReadOnlySpan<byte> key, long expiresAtMilliseconds, object value)
    {
        DataType type = DataTypeNames.TypeOf(value);
        IValueCodec codec = ValueCodecs.For(type) ?? throw new InvalidOperationException($"no snapshot codec for type {type}");
        WriteKeyHead(scratch, database, key, expiresAtMilliseconds, type);
        codec.Write(value, scratch);
        WriteRecord(output, scratch.WrittenSpan);
    }

    /// <summary>
    /// Appends a collection key's record holding the first <paramref name="count"/> items (<paramref name="items"/>, as
    /// <see cref="ICollectionCodec.WriteItems"/> wrote them), asking <paramref name="output"/> once for the record's exact
    /// size. With all the items it is the record <see cref="WriteKey"/> writes; otherwise <see cref="WriteMoreItems"/>
    /// records follow it with the rest.
    /// </summary>
    public static void WriteCollectionKey(IBufferWriter<byte> output, ArrayBufferWriter<byte> scratch, int database, ReadOnlySpan<byte> key, long expiresAtMilliseconds, DataType type, int count, ReadOnlySpan<byte> items)
    {
        WriteKeyHead(scratch, database, key, expiresAtMilliseconds, type);
        WriteItemsRecord(output, scratch.WrittenSpan, count, items);
    }

    /// <summary>Appends a more-items record: further items of the collection whose key record came last (one request
    /// to <paramref name="output"/>, of the record's exact size).</summary>
    public static void WriteMoreItems(IBufferWriter<byte> output, int count, ReadOnlySpan<byte> items) =>
        WriteItemsRecord(output, [MoreItemsRecord], count, items);

    /// <summary>A record of <paramref name="head"/>, the count and the items, built in place: the items are copied once.</summary>
    private static void WriteItemsRecord(IBufferWriter<byte> output, ReadOnlySpan<byte> head, int count, ReadOnlySpan<byte> items)
    {
        int countBytes = Varint.SizeOf((ulong)count);
        int payloadLength = head.Length + countBytes + items.Length;
        Span<byte> record = output.GetSpan(8 + payloadLength);
        Span<byte> payload = record.Slice(8, payloadLength);
        head.CopyTo(payload);
        Varint.Write(payload[head.Length..], (ulong)count);
        items.CopyTo(payload[(head.Length + countBytes)..]);
        WriteRecordHeader(record, payload);
        output.Advance(8 + payloadLength);
    }

    /// <summary>A string key's record straight from its bytes (a string embedded with its key is not copied out first),
    /// encoded in place in <paramref name="output"/> (no scratch copy: this is the snapshot walk's per-key path).
    /// The same record as <see cref="WriteKey"/> writes for a byte[] value.</summary>
    public static void WriteStringKey(ArrayBufferWriter<byte> output, int database, ReadOnlySpan<byte> key, long expiresAtMilliseconds, ReadOnlySpan<byte> value)
    {
        Span<byte> record = output.GetSpan(8 + KeyHeadBound(key) + value.Length);
        Span<byte> payload = record[8..];
        int pos = EncodeKeyHead(payload, database, key, expiresAtMilliseconds, DataType.String);
        value.CopyTo(payload[pos..]); // StringCodec: the bytes as they are
        pos += value.Length;
        WriteRecordHeader(record, payload[..pos]);
        output.Advance(8 + pos);
    }

    private static void WriteKeyHead(ArrayBufferWriter<byte> scratch, int database, ReadOnlySpan<byte> key, long expiresAtMilliseconds, DataType type)
    {
        scratch.ResetWrittenCount();
        scratch.Advance(EncodeKeyHead(scratch.GetSpan(KeyHeadBound(key)), database, key, expiresAtMilliseconds, type));
    }

    private static int KeyHeadBound(ReadOnlySpan<byte> key) => 1 + 3 * Varint.MaxLength64 + key.Length + 1;

    /// <summary>A key record's payload up to its value: kind, db, key, expiry, type. Returns its length.</summary>
    private static int EncodeKeyHead(Span<byte> head, int database, ReadOnlySpan<byte> key, long expiresAtMilliseconds, DataType type)
    {
        int pos = 0;
        head[pos++] = KeyRecord;
        pos += Varint.Write(head[pos..], (ulong)database);
        pos += Varint.Write(head[pos..], (ulong)key.Length);
        key.CopyTo(head[pos..]);
        pos += key.Length;
        pos += Varint.Write(head[pos..], (ulong)expiresAtMilliseconds);
        head[pos++] = (byte)type;
        return pos;
    }

    /// <summary>Appends an auxiliary record: varint name length, UTF-8 name, then the data to the end of the payload.</summary>
    public static void WriteAux(ArrayBufferWriter<byte> output, string name, ReadOnlySpan<byte> data)
    {
        byte[] nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        var payload = new byte[1 + Varint.MaxLength64 + nameBytes.Length + data.Length];
        payload[0] = AuxRecord;
        int pos = 1 + Varint.Write(payload.AsSpan(1), (ulong)nameBytes.Length);
        nameBytes.CopyTo(payload, pos);
        pos += nameBytes.Length;
        data.CopyTo(payload.AsSpan(pos));
        WriteRecord(output, payload.AsSpan(0, pos + data.Length));
    }

    /// <summary>The auxiliary record's name for padding: zero bytes that readers skip.</summary>
    public const string PaddingName = "pad";

    /// <summary>A padding record's smallest size: header, kind, name length, name.</summary>
    private const int MinPaddingRecordBytes = 8 + 1 + 1 + 3;

    /// <summary>
    /// Appends the end record, preceded by a padding record when needed so that the file ends on a multiple of
    /// <paramref name="alignment"/> (a power of two) given that <paramref name="output"/>'s first byte is at file
    /// offset <paramref name="outputOffset"/>. A file written with O_DIRECT is then complete at its last block's write,
    /// with no truncation of the block's padding to make durable after it.
    /// </summary>
    public static void WriteEndAligned(ArrayBufferWriter<byte> output, long outputOffset, long keyCount, int alignment)
    {
        Span<byte> count = stackalloc byte[Varint.MaxLength64];
        int endBytes = 8 + 1 + Varint.Write(count, (ulong)keyCount);
        long unpaddedEnd = outputOffset + output.WrittenCount + endBytes;
        int gap = (int)(-unpaddedEnd & (alignment - 1));
        if (gap > 0)
        {
            if (gap < MinPaddingRecordBytes)
            {
                gap += alignment;
            }
            byte[] zeros = new byte[gap - MinPaddingRecordBytes];
            WriteAux(output, PaddingName, zeros);
        }
        WriteEnd(output, keyCount);
    }

    public static void WriteEnd(ArrayBufferWriter<byte> output, long keyCount)
    {
        Span<byte> payload = stackalloc byte[1 + Varint.MaxLength64];
        payload[0] = EndRecord;
        int n = 1 + Varint.Write(payload[1..], (ulong)keyCount);
        WriteRecord(output, payload[..n]);
    }

    private static void WriteRecord(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        WriteRecordHeader(output.GetSpan(8), payload);
        output.Advance(8);
        output.Write(payload);
    }

    /// <summary>A record's 8-byte header: payload length and masked CRC32C.</summary>
    private static void WriteRecordHeader(Span<byte> header, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32C.Mask(Crc32C.Compute(payload)));
    }
}
