using System.Buffers.Binary;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Loads a snapshot into an empty store, verifying every record's CRC; any damage (bad header, checksum, structure,
/// missing end record) throws <see cref="InvalidDataException"/> naming the file and offset, and nothing is served.
/// Keys whose expiry has passed are skipped. A collection's key record may be followed by more-items records; the key is
/// added once its last record is read.
/// </summary>
public static class SnapshotReader
{
    public static long Load(MemoryStore store, IFileSystem fileSystem, string path, long nowMilliseconds)
    {
        using IRandomAccessFile file = fileSystem.OpenRandomAccess(path);
        long length = file.Length;
        byte[] header = new byte[SnapshotFormat.HeaderBytes];
        if (length < header.Length || Read(file, 0, header) != header.Length || !header.AsSpan(0, 8).SequenceEqual(SnapshotFormat.Magic))
        {
            throw new InvalidDataException($"{path} at offset 0: not a Cairn snapshot (bad magic or truncated header)");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (version != SnapshotFormat.Version)
        {
            throw new InvalidDataException($"{path} at offset 8: unsupported snapshot format version {version}");
        }
        long offset = SnapshotFormat.HeaderBytes;
        long keys = 0;
        byte[] buffer = new byte[64 * 1024];
        byte[] recordHeader = new byte[8];
        PendingKey? pending = null; // the collection whose key record came last, until a record of another kind
        while (offset < length)
        {
            if (length - offset < 8 || Read(file, offset, recordHeader) != 8)
            {
                throw new InvalidDataException($"{path} at offset {offset}: truncated record header");
            }
            uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader);
            uint crc = Crc32C.Unmask(BinaryPrimitives.ReadUInt32LittleEndian(recordHeader.AsSpan(4)));
            if (payloadLength > SnapshotFormat.MaxPayloadBytes || offset + 8 + payloadLength > length)
            {
                throw new InvalidDataException($"{path} at offset {offset}: record length {payloadLength} runs past the end of the file");
            }
            if (buffer.Length < payloadLength)
            {
                buffer = new byte[payloadLength];
            }
            Span<byte> payload = buffer.AsSpan(0, (int)payloadLength);
            if (Read(file, offset + 8, payload) != payloadLength || Crc32C.Compute(payload) != crc)
            {
                throw new InvalidDataException($"{path} at offset {offset}: checksum mismatch");
            }
            if (payload.IsEmpty)
            {
                throw new InvalidDataException($"{path} at offset {offset}: empty record");
            }
            if (payload[0] == SnapshotFormat.MoreItemsRecord)
            {
                if (pending is null)
                {
                    throw new InvalidDataException($"{path} at offset {offset}: more items without a collection's key record before them");
                }
                try
                {
                    pending.Codec.ReadMore(pending.Partial, payload[1..]);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{path} at offset {offset}: malformed more-items record ({e.Message})", e);
                }
                offset += 8 + payloadLength;
                continue;
            }
            if (pending is not null && !TryAdd(store, pending.Database, pending.Key, pending.ExpiresAt, nowMilliseconds, pending.Codec.FinishRead(pending.Partial)))
            {
                throw new InvalidDataException($"{path} at offset {pending.Offset}: malformed key record (a key twice)");
            }
            pending = null;
            if (payload[0] == SnapshotFormat.EndRecord)
            {
                Varint.TryRead(payload[1..], out ulong expected);
                if (expected != (ulong)keys)
                {
                    throw new InvalidDataException($"{path} at offset {offset}: end record says {expected} keys, file holds {keys}");
                }
                if (offset + 8 + payloadLength != length)
                {
                    throw new InvalidDataException($"{path} at offset {offset + 8 + payloadLength}: bytes after the end record");
                }
                return keys;
            }
            if (payload[0] == SnapshotFormat.AuxRecord)
            {
                int n = Varint.TryRead(payload[1..], out ulong nameLength);
                if (n == 0 || nameLength > (ulong)(payload.Length - 1 - n))
                {
                    throw new InvalidDataException($"{path} at offset {offset}: malformed auxiliary record");
                }
                string name = System.Text.Encoding.UTF8.GetString(payload.Slice(1 + n, (int)nameLength));
                if (name != SnapshotFormat.PaddingName)
                {
                    byte[] data = payload[(1 + n + (int)nameLength)..].ToArray();
                    try
                    {
                        store.SnapshotAuxLoaded?.Invoke(name, data);
                    }
                    catch (InvalidDataException e)
                    {
                        throw new InvalidDataException($"{path} at offset {offset}: {e.Message}", e);
                    }
                }
                offset += 8 + payloadLength;
                continue;
            }
            if (payload[0] != SnapshotFormat.KeyRecord || !TryApply(store, payload, nowMilliseconds, offset, out pending))
            {
                throw new InvalidDataException($"{path} at offset {offset}: malformed key record");
            }
            keys++;
            offset += 8 + payloadLength;
        }
        throw new InvalidDataException($"{path} at offset {offset}: snapshot is incomplete (no end record)");
    }

    /// <summary>Decodes a key record and adds its key, or, for a collection, returns it as <paramref name="pending"/>
    /// (more-items records may follow). False when the record is malformed or the key is already there.</summary>
    private static bool TryApply(MemoryStore store, ReadOnlySpan<byte> payload, long now, long offset, out PendingKey? pending)
    {
        pending = null;
        int pos = 1;
        int n = Varint.TryRead(payload[pos..], out ulong database);
        if (n == 0 || database >= (ulong)store.DatabaseCount)
        {
            return false;
        }
        pos += n;
        n = Varint.TryRead(payload[pos..], out ulong keyLength);
        if (n == 0 || keyLength > (ulong)(payload.Length - pos - n))
        {
            return false;
        }
        pos += n;
        byte[] key = payload.Slice(pos, (int)keyLength).ToArray();
        pos += (int)keyLength;
        n = Varint.TryRead(payload[pos..], out ulong expiresAt);
        if (n == 0 || pos + n >= payload.Length)
        {
            return false;
        }
        pos += n;
        var type = (DataType)payload[pos++];
        IValueCodec? codec = ValueCodecs.For(type);
        if (codec is null)
        {
            return false;
        }
        if (codec is ICollectionCodec collection)
        {
            pending = new PendingKey((int)database, key, (long)expiresAt, collection, collection.StartRead(payload[pos..]), offset);
            return true;
        }
        return TryAdd(store, (int)database, key, (long)expiresAt, now, codec.Read(payload[pos..]));
    }

    /// <summary>Adds a decoded key (a collection once its last record is read), unless it has expired. False when the
    /// database already holds it: the file is not a valid snapshot.</summary>
    private static bool TryAdd(MemoryStore store, int database, byte[] key, long expiresAt, long now, object value)
    {
        if (expiresAt != 0 && expiresAt <= now)
        {
            return true; // expired while the node was down
        }
        Database db = store[database];
        if (db.FindRaw(key) >= 0)
        {
            return false;
        }
        db.Add(key, value, expiresAt);
        return true;
    }

    /// <summary>A collection's decoded key record and its value under construction, at the record's file offset.</summary>
    private sealed record PendingKey(int Database, byte[] Key, long ExpiresAt, ICollectionCodec Codec, object Partial, long Offset);

    private static int Read(IRandomAccessFile file, long offset, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = file.Read(offset + total, destination[total..]);
            if (n <= 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
