using System.Buffers.Binary;
using System.Diagnostics;
using Cairn.Engine.Memory.Persistence.Rdb;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Streams;

/// <summary>
/// Writes a stream as RDB type 19 (STREAM_LISTPACKS_2, what Redis 7.0 writes; layout in <see cref="StreamRdbReader"/>).
/// Entries are packed into listpack nodes as Redis's streamAppendItem does with the default stream-node-max-bytes 4096
/// and stream-node-max-entries 100: a node's master entry holds the fields of its first entry, entries with exactly
/// those fields are stored SAMEFIELDS, and a new node starts when the node's bytes plus the new entry's field and value
/// bytes reach 4096 or it holds 100 entries. A stream built by XADD alone therefore splits as Redis's would; Cairn
/// keeps no tombstones, so a stream with deletions is written compacted (any split is valid to Redis). Listpacks are
/// not LZF-compressed, so payloads equal Redis's byte for byte only where Redis's compression saved nothing.
/// </summary>
internal static class StreamRdbWriter
{
    private const int NodeMaxBytes = 4096;
    private const int NodeMaxEntries = 100;

    /// <summary>The master entry's live count is its first element, a 7-bit integer (one byte) for counts up to 127.</summary>
    private const int MasterCountOffset = 6;

    public static void Write(StreamObject stream, RdbOutput output)
    {
        output.WriteByte(RdbType.StreamListpacks2);
        var entries = new List<StreamEntry>((int)Math.Min(stream.Length, 1 << 16));
        stream.Range(StreamId.Zero, StreamId.Max, 0, reverse: false, entries);
        List<(StreamId Master, byte[] Listpack)> nodes = BuildNodes(entries);
        output.WriteLength((ulong)nodes.Count);
        Span<byte> raw = stackalloc byte[16];
        foreach ((StreamId master, byte[] listpack) in nodes)
        {
            WriteRawId(master, raw);
            output.WriteLength((ulong)raw.Length);
            output.WriteBytes(raw);
            output.WriteLength((ulong)listpack.Length);
            output.WriteBytes(listpack);
        }
        output.WriteLength((ulong)stream.Length);
        WriteLengthId(stream.LastId, output);
        WriteLengthId(stream.FirstId, output);
        WriteLengthId(stream.MaxDeletedId, output);
        output.WriteLength((ulong)stream.EntriesAdded);

        output.WriteLength((ulong)stream.GroupCount);
        foreach (StreamGroup group in stream.Groups)
        {
            output.WriteString(group.Name);
            WriteLengthId(group.LastId, output);
            output.WriteLength(unchecked((ulong)group.EntriesRead)); // -1 (unknown) as 2^64-1, as Redis writes it
            output.WriteLength((ulong)group.Pending.Count);
            foreach (PendingEntry pending in group.Pending.Values)
            {
                WriteRawId(pending.Id, raw);
                output.WriteBytes(raw);
                WriteMilliseconds(pending.DeliveryTimeMilliseconds, output);
                output.WriteLength((ulong)pending.DeliveryCount);
            }
            output.WriteLength((ulong)group.Consumers.Count);
            foreach (StreamConsumer consumer in group.Consumers.Values)
            {
                output.WriteString(consumer.Name);
                WriteMilliseconds(consumer.SeenTimeMilliseconds, output);
                output.WriteLength((ulong)consumer.Pending.Count);
                foreach (StreamId id in consumer.Pending.Keys)
                {
                    WriteRawId(id, raw);
                    output.WriteBytes(raw);
                }
            }
        }
    }

    private static List<(StreamId Master, byte[] Listpack)> BuildNodes(List<StreamEntry> entries)
    {
        var nodes = new List<(StreamId, byte[])>();
        ListpackBuilder? node = null;
        StreamEntry master = default;
        int count = 0;
        Span<byte> number = stackalloc byte[20];
        foreach (StreamEntry entry in entries)
        {
            long elementBytes = 0;
            foreach (byte[] item in entry.FieldsAndValues)
            {
                elementBytes += item.Length;
            }
            if (node is not null && (node.SizeBytes + elementBytes >= NodeMaxBytes || count >= NodeMaxEntries))
            {
                nodes.Add((master.Id, Finish(node, count)));
                node = null;
            }
            if (node is null)
            {
                master = entry;
                count = 0;
                node = new ListpackBuilder();
                AppendInteger(node, 1, number); // live count, patched in Finish
                AppendInteger(node, 0, number); // deleted
                AppendInteger(node, entry.FieldsAndValues.Length / 2, number);
                for (int i = 0; i < entry.FieldsAndValues.Length; i += 2)
                {
                    node.Append(entry.FieldsAndValues[i]);
                }
                AppendInteger(node, 0, number); // master entry terminator
            }
            AppendEntry(node, master, entry, number);
            count++;
        }
        if (node is not null)
        {
            nodes.Add((master.Id, Finish(node, count)));
        }
        return nodes;
    }

    private static void AppendEntry(ListpackBuilder node, StreamEntry master, StreamEntry entry, Span<byte> number)
    {
        int fieldCount = entry.FieldsAndValues.Length / 2;
        bool sameFields = HasSameFields(master, entry);
        AppendInteger(node, sameFields ? 2 : 0, number);
        AppendInteger(node, unchecked((long)(entry.Id.Milliseconds - master.Id.Milliseconds)), number);
        AppendInteger(node, unchecked((long)(entry.Id.Sequence - master.Id.Sequence)), number);
        if (sameFields)
        {
            for (int i = 1; i < entry.FieldsAndValues.Length; i += 2)
            {
                node.Append(entry.FieldsAndValues[i]);
            }
            AppendInteger(node, fieldCount + 3, number);
            return;
        }
        AppendInteger(node, fieldCount, number);
        foreach (byte[] item in entry.FieldsAndValues)
        {
            node.Append(item);
        }
        AppendInteger(node, 2L * fieldCount + 4, number);
    }

    private static bool HasSameFields(StreamEntry master, StreamEntry entry)
    {
        if (master.FieldsAndValues.Length != entry.FieldsAndValues.Length)
        {
            return false;
        }
        for (int i = 0; i < entry.FieldsAndValues.Length; i += 2)
        {
            if (!master.FieldsAndValues[i].AsSpan().SequenceEqual(entry.FieldsAndValues[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] Finish(ListpackBuilder node, int count)
    {
        // Redis counts entries in place (lpReplaceInteger) as they are appended; a count of 1..100 encodes as one
        // byte whatever its value, so patching the placeholder leaves every other byte where Redis has it.
        Debug.Assert(count is >= 1 and <= NodeMaxEntries);
        byte[] listpack = node.ToArray();
        listpack[MasterCountOffset] = (byte)count;
        return listpack;
    }

    private static void AppendInteger(ListpackBuilder node, long value, Span<byte> number) =>
        node.Append(number[..IntegerText.Format(value, number)]);

    private static void WriteLengthId(StreamId id, RdbOutput output)
    {
        output.WriteLength(id.Milliseconds);
        output.WriteLength(id.Sequence);
    }

    private static void WriteRawId(StreamId id, Span<byte> raw)
    {
        BinaryPrimitives.WriteUInt64BigEndian(raw, id.Milliseconds);
        BinaryPrimitives.WriteUInt64BigEndian(raw[8..], id.Sequence);
    }

    /// <summary>rdbSaveMillisecondTime: 8 bytes little-endian.</summary>
    private static void WriteMilliseconds(long milliseconds, RdbOutput output)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, milliseconds);
        output.WriteBytes(bytes);
    }
}
