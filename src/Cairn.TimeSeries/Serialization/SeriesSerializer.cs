using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Cairn.Primitives;
using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Codec;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Serialization;

/// <summary>
/// The durable form of one series (snapshots, AOF rewrite, DUMP/RESTORE), specified in docs/formats/timeseries.md.
/// The key is not stored (the container stores it); rule destinations and the source key are.
/// Every field is checked on read; a bad CRC, version or structure is reported, never thrown.
/// </summary>
public static class SeriesSerializer
{
    /// <summary>The version written. 2: compressed chunks use <see cref="CompressedChunk"/>'s grid-residual and
    /// scaled-decimal coding. 1 (still read): compressed chunks in Gorilla with decimal erasure (<see cref="GorillaChunkV1"/>).</summary>
    public const byte FormatVersion = 2;

    private const byte GorillaFormatVersion = 1;

    /// <summary>Bounds that a reader enforces so that a corrupt length cannot make it allocate without limit.</summary>
    private const int MaximumCount = 1 << 24;

    public static byte[] Serialize(TimeSeriesData series)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (int)Math.Min(series.MemoryUsageBytes, int.MaxValue / 2));
        WriteByte(buffer, FormatVersion);
        WriteVarint(buffer, (ulong)series.RetentionMilliseconds);
        WriteByte(buffer, (byte)series.Encoding);
        WriteVarint(buffer, (ulong)series.ChunkSizeBytes);
        WriteByte(buffer, series.DuplicatePolicy is { } policy ? (byte)policy : (byte)0);
        WriteVarint(buffer, (ulong)series.IgnoreMaxTimeDifferenceMilliseconds);
        WriteDouble(buffer, series.IgnoreMaxValueDifference);
        WriteVarint(buffer, (ulong)series.Labels.Count);
        foreach (Label label in series.Labels)
        {
            WriteBytes(buffer, Encoding.UTF8.GetBytes(label.Name));
            WriteBytes(buffer, Encoding.UTF8.GetBytes(label.Value));
        }
        WriteByte(buffer, series.SourceKey is null ? (byte)0 : (byte)1);
        if (series.SourceKey is { } source)
        {
            WriteBytes(buffer, source);
        }
        WriteVarint(buffer, (ulong)series.Rules.Count);
        foreach (CompactionRule rule in series.Rules)
        {
            WriteBytes(buffer, rule.DestinationKey);
            WriteByte(buffer, (byte)rule.Aggregation);
            WriteVarint(buffer, (ulong)rule.BucketDurationMilliseconds);
            WriteVarint(buffer, Varint.ZigZag(rule.AlignTimestamp));
            WriteVarint(buffer, Varint.ZigZag(rule.ActiveFromTimestamp));
            WriteByte(buffer, rule.HasOpenBucket ? (byte)1 : (byte)0);
            if (rule.HasOpenBucket)
            {
                WriteVarint(buffer, Varint.ZigZag(rule.OpenBucketStart));
            }
        }
        WriteVarint(buffer, (ulong)series.ChunkCount);
        foreach (Chunk chunk in series.Chunks)
        {
            WriteByte(buffer, (byte)chunk.Encoding);
            WriteVarint(buffer, (ulong)chunk.CapacityBytes);
            WriteVarint(buffer, (ulong)chunk.Count);
            if (chunk is CompressedChunk compressed)
            {
                WriteBytes(buffer, compressed.EncodedBytes);
            }
            else
            {
                Sample[] samples = chunk.ToArray();
                WriteVarint(buffer, (ulong)samples.Length * 16);
                foreach (Sample sample in samples)
                {
                    Span<byte> pair = buffer.GetSpan(16);
                    BinaryPrimitives.WriteInt64LittleEndian(pair, sample.Timestamp);
                    BinaryPrimitives.WriteDoubleLittleEndian(pair[8..], sample.Value);
                    buffer.Advance(16);
                }
            }
        }
        uint crc = Crc32C.Mask(Crc32C.Compute(buffer.WrittenSpan));
        Span<byte> trailer = buffer.GetSpan(4);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        buffer.Advance(4);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a series serialized by <see cref="Serialize"/>; returns false with a reason when the data is not valid.</summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> data, byte[] key, out TimeSeriesData? series, out string? error)
    {
        series = null;
        if (data.Length < 5)
        {
            error = "truncated";
            return false;
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
        ReadOnlySpan<byte> body = data[..^4];
        if (Crc32C.Unmask(stored) != Crc32C.Compute(body))
        {
            error = "checksum mismatch";
            return false;
        }
        var reader = new Reader(body);
        byte version = reader.Byte();
        if (version is not (FormatVersion or GorillaFormatVersion))
        {
            error = "unsupported format version";
            return false;
        }
        try
        {
            series = ReadBody(ref reader, key, version);
        }
        catch (FormatException exception)
        {
            error = exception.Message;
            return false;
        }
        catch (InvariantViolationException exception)
        {
            error = exception.Message;
            return false;
        }
        if (!reader.AtEnd)
        {
            series = null;
            error = "trailing bytes";
            return false;
        }
        error = null;
        return true;
    }

    private static TimeSeriesData ReadBody(ref Reader reader, byte[] key, byte version)
    {
        long retention = reader.Long();
        var encoding = (ChunkEncoding)reader.Byte();
        Check(encoding is ChunkEncoding.Compressed or ChunkEncoding.Uncompressed, "bad encoding");
        long chunkSize = reader.Long();
        Check(chunkSize is >= SeriesOptions.MinimumChunkSizeBytes and <= SeriesOptions.MaximumChunkSizeBytes, "bad chunk size");
        byte policyByte = reader.Byte();
        Check(policyByte <= (byte)DuplicatePolicy.Sum, "bad duplicate policy");
        long ignoreTime = reader.Long();
        double ignoreValue = reader.Double();
        int labelCount = reader.Count();
        var labels = new List<Label>(labelCount);
        for (int i = 0; i < labelCount; i++)
        {
            labels.Add(new Label(Encoding.UTF8.GetString(reader.Bytes()), Encoding.UTF8.GetString(reader.Bytes())));
        }
        var series = new TimeSeriesData(key, new SeriesOptions
        {
            RetentionMilliseconds = retention,
            Encoding = encoding,
            ChunkSizeBytes = (int)chunkSize,
            DuplicatePolicy = policyByte == 0 ? null : (DuplicatePolicy)policyByte,
            IgnoreMaxTimeDifferenceMilliseconds = ignoreTime,
            IgnoreMaxValueDifference = ignoreValue,
            Labels = labels,
        });
        if (reader.Byte() == 1)
        {
            series.SourceKey = reader.Bytes().ToArray();
        }
        int ruleCount = reader.Count();
        for (int i = 0; i < ruleCount; i++)
        {
            byte[] destination = reader.Bytes().ToArray();
            var aggregation = (AggregationType)reader.Byte();
            Check(aggregation is >= AggregationType.Avg and <= AggregationType.TimeWeightedAverage, "bad aggregation");
            long duration = reader.Long();
            Check(duration > 0, "bad bucket duration");
            var rule = new CompactionRule(destination, aggregation, duration, Varint.UnZigZag(reader.Varint()))
            {
                ActiveFromTimestamp = Varint.UnZigZag(reader.Varint()),
            };
            if (reader.Byte() == 1)
            {
                rule.HasOpenBucket = true;
                rule.OpenBucketStart = Varint.UnZigZag(reader.Varint());
                rule.NeedsRecompute = true;
            }
            series.RuleList.Add(rule);
        }
        int chunkCount = reader.Count();
        for (int i = 0; i < chunkCount; i++)
        {
            var chunkEncoding = (ChunkEncoding)reader.Byte();
            long capacity = reader.Long();
            Check(capacity is >= SeriesOptions.MinimumChunkSizeBytes and <= SeriesOptions.MaximumChunkSizeBytes, "bad chunk capacity");
            int count = reader.Count();
            Check(count > 0, "empty chunk");
            ReadOnlySpan<byte> payload = reader.Bytes();
            Chunk chunk;
            if (chunkEncoding == ChunkEncoding.Compressed)
            {
                Check(payload.Length >= 16, "short chunk");
                chunk = version == GorillaFormatVersion
                    ? Upgrade(GorillaChunkV1.FromEncoded(payload, count, (int)capacity))
                    : CompressedChunk.FromEncoded(payload, count, (int)capacity);
            }
            else
            {
                Check(chunkEncoding == ChunkEncoding.Uncompressed && payload.Length == count * 16L, "bad chunk");
                chunk = new UncompressedChunk((int)capacity);
                for (int offset = 0; offset < payload.Length; offset += 16)
                {
                    long timestamp = BinaryPrimitives.ReadInt64LittleEndian(payload[offset..]);
                    Check(chunk.Count == 0 || timestamp > chunk.LastTimestamp, "unordered chunk");
                    chunk.Append(timestamp, BinaryPrimitives.ReadDoubleLittleEndian(payload[(offset + 8)..]));
                }
            }
            Check(series.ChunkCount == 0 || chunk.FirstTimestamp > series.LastTimestamp, "overlapping chunks");
            series.AddLoadedChunk(chunk);
        }
        return series;
    }

    /// <summary>A version-1 chunk, re-encoded in today's format (same samples, same capacity; usually fewer bytes).</summary>
    private static CompressedChunk Upgrade(GorillaChunkV1 old)
    {
        var chunk = new CompressedChunk(old.CapacityBytes);
        foreach (Sample sample in old.ToArray())
        {
            chunk.Append(sample.Timestamp, sample.Value);
        }
        return chunk;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new FormatException(message);
        }
    }

    private static void WriteByte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> buffer, ulong value)
    {
        int written = Varint.Write(buffer.GetSpan(Varint.MaxLength64), value);
        buffer.Advance(written);
    }

    private static void WriteDouble(ArrayBufferWriter<byte> buffer, double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        WriteVarint(buffer, (ulong)bytes.Length);
        buffer.Write(bytes);
    }

    /// <summary>A bounds-checked cursor; any overrun is a <see cref="FormatException"/>.</summary>
    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _position;

        public Reader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _position = 0;
        }

        public readonly bool AtEnd => _position == _data.Length;

        public byte Byte()
        {
            Check(_position < _data.Length, "truncated");
            return _data[_position++];
        }

        public ulong Varint()
        {
            int read = Cairn.Primitives.Varint.TryRead(_data[_position..], out ulong value);
            Check(read > 0, "bad varint");
            _position += read;
            return value;
        }

        public long Long()
        {
            ulong value = Varint();
            Check(value <= long.MaxValue, "integer out of range");
            return (long)value;
        }

        public int Count()
        {
            ulong value = Varint();
            Check(value <= MaximumCount, "count out of range");
            return (int)value;
        }

        public double Double()
        {
            Check(_position + 8 <= _data.Length, "truncated");
            double value = BinaryPrimitives.ReadDoubleLittleEndian(_data[_position..]);
            _position += 8;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            ulong length = Varint();
            Check(length <= (ulong)(_data.Length - _position), "truncated");
            ReadOnlySpan<byte> bytes = _data.Slice(_position, (int)length);
            _position += (int)length;
            return bytes;
        }
    }
}
