using System.Buffers.Binary;
using Cairn.Engine.Memory.Persistence.Rdb;

namespace Cairn.Engine.Memory.Streams;

/// <summary>
/// Reads a stream in Redis's RDB encodings 15 (STREAM_LISTPACKS, Redis 5-6), 19 (STREAM_LISTPACKS_2, Redis 7.0) and 21
/// (STREAM_LISTPACKS_3, Redis 7.2: consumers also carry an active time, which Cairn does not keep):
///
///     nodes: len, then per node: 16-byte big-endian master ID (string), listpack (string)
///     length: len; last-id: len ms, len seq
///     [19, 21] first-id: len ms, len seq; max-deleted-entry-id: len ms, len seq; entries-added: len
///     groups: len, then per group: name (string), last-id (len ms, len seq), [19, 21] entries-read: len (2^64-1 = unknown)
///         PEL: len, then per entry: raw 16-byte big-endian ID, delivery time (8 bytes LE ms), delivery count (len)
///         consumers: len, then per consumer: name (string), seen-time (8 bytes LE ms), [21] active-time (8 bytes LE ms),
///             its PEL: len, then raw 16-byte IDs, each already in the group PEL
///
/// Validation is deep and stricter than Redis's where Cairn's invariants need it: node keys are 16 bytes, listpacks
/// are well formed and non-empty, their entries (see <see cref="StreamListpackNode"/>) are in strictly increasing ID
/// order across the stream, the stored length matches the live entries, the last ID is not below the last entry, and
/// every group PEL entry belongs to exactly one consumer. Any failure throws <see cref="RdbFormatException"/> at the
/// offset of the damaged item; the stream being built is then dropped, never returned half-built.
/// </summary>
internal static class StreamRdbReader
{
    private const int RawIdBytes = 16;

    public static StreamObject Read(byte rdbType, RdbInput input)
    {
        var stream = new StreamObject();
        ReadEntries(input, stream);

        int at = input.Position;
        long length = ReadInt64(input);
        if (length != stream.Length)
        {
            throw new RdbFormatException(at, $"stream length {length} does not match its {stream.Length} entries");
        }
        at = input.Position;
        StreamId lastId = ReadLengthId(input);
        if (stream.Length > 0 && stream.LastEntryId > lastId)
        {
            throw new RdbFormatException(at, "stream last ID is below its last entry");
        }
        stream.LastId = lastId;
        if (rdbType == RdbType.StreamListpacks)
        {
            // Redis 5-6 kept no counters: Redis 7 loads such a stream as if nothing had ever been deleted.
            stream.EntriesAdded = length;
            stream.MaxDeletedId = StreamId.Zero;
        }
        else
        {
            _ = ReadLengthId(input); // first-id: Cairn derives it from the entries.
            stream.MaxDeletedId = ReadLengthId(input);
            at = input.Position;
            long entriesAdded = ReadInt64(input);
            if (entriesAdded < length)
            {
                throw new RdbFormatException(at, "stream entries-added is below its length");
            }
            stream.EntriesAdded = entriesAdded;
        }

        int groups = input.ReadCount(input.Remaining);
        for (int g = 0; g < groups; g++)
        {
            ReadGroup(rdbType, input, stream);
        }
        return stream;
    }

    private static void ReadEntries(RdbInput input, StreamObject stream)
    {
        int nodes = input.ReadCount(input.Remaining);
        var elements = new List<byte[]>();
        bool any = false;
        StreamId previous = StreamId.Zero;
        for (int n = 0; n < nodes; n++)
        {
            int keyAt = input.Position;
            byte[] key = input.ReadString();
            if (key.Length != RawIdBytes)
            {
                throw new RdbFormatException(keyAt, "stream node key is not the size of a stream ID");
            }
            StreamId master = RawId(key);
            int listpackAt = input.Position;
            byte[] listpack = input.ReadString();
            elements.Clear();
            if (!ListpackDecoder.TryDecode(listpack, elements))
            {
                throw new RdbFormatException(listpackAt, "invalid stream listpack");
            }
            if (elements.Count == 0)
            {
                throw new RdbFormatException(listpackAt, "empty listpack inside stream");
            }
            var node = new StreamListpackNode(master, elements);
            while (node.TryReadEntry(out StreamEntry entry, out bool deleted))
            {
                if (deleted)
                {
                    continue;
                }
                if (any && entry.Id <= previous)
                {
                    throw new RdbFormatException(listpackAt, $"stream entry {entry.Id} is out of order");
                }
                stream.LoadEntry(entry.Id, entry.FieldsAndValues);
                previous = entry.Id;
                any = true;
            }
            if (node.Error is { } reason)
            {
                throw new RdbFormatException(listpackAt, reason);
            }
        }
    }

    private static void ReadGroup(byte rdbType, RdbInput input, StreamObject stream)
    {
        int groupAt = input.Position;
        byte[] name = input.ReadString();
        StreamId lastId = ReadLengthId(input);
        long entriesRead = rdbType == RdbType.StreamListpacks
            ? stream.EstimateDistanceFromFirstEverEntry(lastId)
            : unchecked((long)ReadPlainLength(input)); // 2^64-1 is Redis's "unknown" (-1)
        if (entriesRead < StreamGroup.UnknownEntriesRead)
        {
            throw new RdbFormatException(groupAt, "invalid consumer group entries-read");
        }
        StreamGroup group = stream.CreateGroup(name, lastId, entriesRead)
            ?? throw new RdbFormatException(groupAt, "duplicate consumer group name");

        // The group PEL comes first but Cairn's pending entries need their consumer: hold them until the consumers
        // (which list their entries by ID) are read.
        int pelAt = input.Position;
        int pendingCount = input.ReadCount(input.Remaining / RawIdBytes);
        var pending = new SortedDictionary<StreamId, LoadedPending>();
        for (int p = 0; p < pendingCount; p++)
        {
            int at = input.Position;
            StreamId id = RawId(input.ReadBytes(RawIdBytes));
            long deliveryTime = BinaryPrimitives.ReadInt64LittleEndian(input.ReadBytes(8));
            long deliveryCount = ReadInt64(input);
            if (!pending.TryAdd(id, new LoadedPending(deliveryTime, deliveryCount)))
            {
                throw new RdbFormatException(at, "duplicate entry in a consumer group PEL");
            }
        }

        int consumers = input.ReadCount(input.Remaining);
        for (int c = 0; c < consumers; c++)
        {
            int consumerAt = input.Position;
            byte[] consumerName = input.ReadString();
            long seenTime = BinaryPrimitives.ReadInt64LittleEndian(input.ReadBytes(8));
            if (rdbType == RdbType.StreamListpacks3)
            {
                _ = input.ReadBytes(8); // active-time (Redis 7.2): Cairn keeps only the seen time.
            }
            StreamConsumer consumer = group.CreateConsumer(consumerName, seenTime)
                ?? throw new RdbFormatException(consumerAt, "duplicate stream consumer");
            int owned = input.ReadCount(input.Remaining / RawIdBytes);
            for (int p = 0; p < owned; p++)
            {
                int at = input.Position;
                StreamId id = RawId(input.ReadBytes(RawIdBytes));
                if (!pending.TryGetValue(id, out LoadedPending? entry))
                {
                    throw new RdbFormatException(at, "consumer PEL entry not found in the group PEL");
                }
                if (entry.IsAssigned)
                {
                    throw new RdbFormatException(at, "PEL entry owned by more than one consumer");
                }
                entry.IsAssigned = true;
                group.Deliver(id, consumer, entry.DeliveryTimeMilliseconds, entry.DeliveryCount);
            }
        }
        foreach (LoadedPending entry in pending.Values)
        {
            if (!entry.IsAssigned)
            {
                throw new RdbFormatException(pelAt, "consumer group PEL entry without a consumer");
            }
        }
    }

    /// <summary>A stream ID as two RDB lengths (milliseconds, sequence).</summary>
    private static StreamId ReadLengthId(RdbInput input)
    {
        ulong milliseconds = ReadPlainLength(input);
        ulong sequence = ReadPlainLength(input);
        return new StreamId(milliseconds, sequence);
    }

    private static long ReadInt64(RdbInput input)
    {
        int at = input.Position;
        ulong value = ReadPlainLength(input);
        if (value > long.MaxValue)
        {
            throw new RdbFormatException(at, $"count {value} out of range");
        }
        return (long)value;
    }

    private static ulong ReadPlainLength(RdbInput input)
    {
        int at = input.Position;
        ulong value = input.ReadLength(out bool isEncoded);
        if (isEncoded)
        {
            throw new RdbFormatException(at, "an encoded value where a length was expected");
        }
        return value;
    }

    /// <summary>streamDecodeID: 16 bytes, milliseconds then sequence, both big-endian (so IDs sort as bytes).</summary>
    private static StreamId RawId(ReadOnlySpan<byte> raw) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(raw), BinaryPrimitives.ReadUInt64BigEndian(raw[8..]));

    /// <summary>A group PEL entry read before its consumer is known.</summary>
    private sealed class LoadedPending(long deliveryTimeMilliseconds, long deliveryCount)
    {
        public long DeliveryTimeMilliseconds { get; } = deliveryTimeMilliseconds;

        public long DeliveryCount { get; } = deliveryCount;

        public bool IsAssigned { get; set; }
    }
}
