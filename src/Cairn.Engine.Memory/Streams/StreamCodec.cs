using System.Buffers;
using System.Buffers.Binary;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence;
using Cairn.Engine.Memory.Persistence.Rdb;

namespace Cairn.Engine.Memory.Streams;

/// <summary>
/// Snapshot layout of a stream, version 1 (docs/formats/snapshot.md, "Streams"). All integers little-endian;
/// a "bytes" item is a u32 length then the bytes.
/// </summary>
public sealed class StreamCodec : IValueCodec
{
    public const byte Version = 1;

    private static int s_registered;

    public DataType Type => DataType.Stream;

    /// <summary>
    /// Registers the codec with <see cref="ValueCodecs"/> and the Redis RDB codec with <see cref="RdbCodecs"/>
    /// (idempotent); called at server start-up, before any snapshot load, DUMP or RESTORE.
    /// </summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            ValueCodecs.Register(new StreamCodec());
            RdbCodecs.Register(new StreamRdbCodec());
        }
    }

    public void Write(object value, IBufferWriter<byte> output)
    {
        var stream = (StreamObject)value;
        var writer = new Writer(output);
        writer.Byte(Version);
        writer.Id(stream.LastId);
        writer.Int64(stream.EntriesAdded);
        writer.Id(stream.MaxDeletedId);
        writer.Int64(stream.Length);
        var entries = new List<StreamEntry>();
        stream.Range(StreamId.Zero, StreamId.Max, 0, reverse: false, entries);
        foreach (StreamEntry entry in entries)
        {
            writer.Id(entry.Id);
            writer.UInt32((uint)entry.FieldsAndValues.Length);
            foreach (byte[] item in entry.FieldsAndValues)
            {
                writer.Bytes(item);
            }
        }
        writer.UInt32((uint)stream.GroupCount);
        foreach (StreamGroup group in stream.Groups)
        {
            writer.Bytes(group.Name);
            writer.Id(group.LastId);
            writer.Int64(group.EntriesRead);
            writer.UInt32((uint)group.Consumers.Count);
            foreach (StreamConsumer consumer in group.Consumers.Values)
            {
                writer.Bytes(consumer.Name);
                writer.Int64(consumer.SeenTimeMilliseconds);
            }
            writer.UInt32((uint)group.Pending.Count);
            foreach (PendingEntry pending in group.Pending.Values)
            {
                writer.Id(pending.Id);
                writer.Bytes(pending.Consumer.Name);
                writer.Int64(pending.DeliveryTimeMilliseconds);
                writer.Int64(pending.DeliveryCount);
            }
        }
    }

    public object Read(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        byte version = reader.Byte();
        if (version != Version)
        {
            throw new InvalidDataException($"unknown stream encoding version {version}");
        }
        var stream = new StreamObject();
        StreamId lastId = reader.Id();
        long entriesAdded = reader.Int64();
        StreamId maxDeleted = reader.Id();
        long length = reader.Int64();
        if (length < 0 || length > data.Length)
        {
            throw new InvalidDataException("bad stream length");
        }
        for (long i = 0; i < length; i++)
        {
            StreamId id = reader.Id();
            uint items = reader.UInt32();
            if (items == 0 || items % 2 != 0 || items > data.Length)
            {
                throw new InvalidDataException("bad stream entry field count");
            }
            var fields = new byte[items][];
            for (int j = 0; j < items; j++)
            {
                fields[j] = reader.Bytes();
            }
            stream.LoadEntry(id, fields);
        }
        if (stream.Length > 0 && stream.LastEntryId > lastId)
        {
            throw new InvalidDataException("stream last ID is below its last entry");
        }
        stream.LastId = lastId;
        stream.EntriesAdded = entriesAdded;
        stream.MaxDeletedId = maxDeleted;
        uint groups = reader.UInt32();
        for (uint g = 0; g < groups; g++)
        {
            byte[] name = reader.Bytes();
            StreamId groupLast = reader.Id();
            long entriesRead = reader.Int64();
            StreamGroup group = stream.CreateGroup(name, groupLast, entriesRead)
                ?? throw new InvalidDataException("duplicate stream group");
            uint consumers = reader.UInt32();
            for (uint c = 0; c < consumers; c++)
            {
                byte[] consumerName = reader.Bytes();
                long seen = reader.Int64();
                _ = group.CreateConsumer(consumerName, seen) ?? throw new InvalidDataException("duplicate consumer");
            }
            uint pending = reader.UInt32();
            for (uint p = 0; p < pending; p++)
            {
                StreamId id = reader.Id();
                byte[] consumerName = reader.Bytes();
                long deliveryTime = reader.Int64();
                long deliveryCount = reader.Int64();
                StreamConsumer consumer = group.FindConsumer(consumerName)
                    ?? throw new InvalidDataException("pending entry of an unknown consumer");
                if (group.Pending.ContainsKey(id))
                {
                    throw new InvalidDataException("duplicate pending entry");
                }
                group.Deliver(id, consumer, deliveryTime, deliveryCount);
            }
        }
        if (!reader.AtEnd)
        {
            throw new InvalidDataException("trailing bytes after stream");
        }
        return stream;
    }

    private ref struct Writer(IBufferWriter<byte> output)
    {
        private readonly IBufferWriter<byte> _output = output;

        public readonly void Byte(byte value)
        {
            _output.GetSpan(1)[0] = value;
            _output.Advance(1);
        }

        public readonly void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), value);
            _output.Advance(4);
        }

        public readonly void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_output.GetSpan(8), value);
            _output.Advance(8);
        }

        public readonly void Id(StreamId id)
        {
            Span<byte> span = _output.GetSpan(16);
            BinaryPrimitives.WriteUInt64LittleEndian(span, id.Milliseconds);
            BinaryPrimitives.WriteUInt64LittleEndian(span[8..], id.Sequence);
            _output.Advance(16);
        }

        public readonly void Bytes(byte[] value)
        {
            UInt32((uint)value.Length);
            _output.Write(value);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position == _data.Length;

        public byte Byte() => Take(1)[0];

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public StreamId Id()
        {
            ReadOnlySpan<byte> span = Take(16);
            return new StreamId(BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[8..]));
        }

        public byte[] Bytes()
        {
            uint length = UInt32();
            if (length > _data.Length - _position)
            {
                throw new InvalidDataException("stream item length past the end");
            }
            return Take((int)length).ToArray();
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _data.Length - _position)
            {
                throw new InvalidDataException("stream value truncated");
            }
            ReadOnlySpan<byte> span = _data.Slice(_position, count);
            _position += count;
            return span;
        }
    }
}
