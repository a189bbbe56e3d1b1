using System.Buffers;
using System.Buffers.Binary;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using K4os.Compression.LZ4;

namespace Cairn.Engine.Lsm.Table;

/// <summary>
/// Writes a table file (docs/formats/sstable.md): data blocks, then the filter, range-deletion, properties, metaindex and
/// index blocks, then the footer. Every block carries a trailer with its compression type and a masked CRC32C.
/// Thread safety: one thread. REQUIRES: point entries added in strictly increasing internal-key order.
/// </summary>
internal sealed class TableBuilder : IDisposable
{
    private readonly IWritableFile _file;
    private readonly TableOptions _options;
    private readonly BlockBuilder _dataBlock;
    private readonly BlockBuilder _indexBlock = new(1);
    private readonly List<ulong> _keyHashes = [];
    private readonly List<RangeTombstone> _tombstones = [];
    private readonly TableProperties _properties = new();
    private byte[]? _smallest;
    private byte[]? _largest;
    private byte[] _lastUserKey = [];
    private bool _hasLastUserKey;
    private ulong _smallestSequence = ulong.MaxValue;
    private ulong _largestSequence;
    private long _offset;

    public TableBuilder(IWritableFile file, TableOptions options)
    {
        _file = file;
        _options = options;
        _dataBlock = new BlockBuilder(options.RestartInterval);
    }

    public ulong EntryCount => _properties.EntryCount;

    /// <summary>Bytes written so far plus the open data block: what the file will roughly be.</summary>
    public long EstimatedSizeBytes => _offset + _dataBlock.EstimatedSizeBytes;

    public void Add(ReadOnlySpan<byte> internalKey, ReadOnlySpan<byte> value)
    {
        Invariant.Require(_largest is null || InternalKey.Compare(_largest, internalKey) < 0, "keys added in order");
        ReadOnlySpan<byte> userKey = InternalKey.UserKey(internalKey);
        if (!_hasLastUserKey || !userKey.SequenceEqual(_lastUserKey))
        {
            _keyHashes.Add(BloomFilter.Hash(userKey));
            _lastUserKey = userKey.ToArray();
            _hasLastUserKey = true;
        }
        _smallest ??= internalKey.ToArray();
        _largest = internalKey.ToArray();
        ulong sequence = InternalKey.Sequence(internalKey);
        TrackSequence(sequence);
        _properties.EntryCount++;
        if (InternalKey.Type(internalKey) == EntryType.Deletion)
        {
            _properties.DeletionCount++;
        }
        _properties.RawKeyBytes += (ulong)internalKey.Length;
        _properties.RawValueBytes += (ulong)value.Length;
        _dataBlock.Add(internalKey, value);
        if (_dataBlock.EstimatedSizeBytes >= _options.BlockSizeBytes)
        {
            FlushDataBlock();
        }
    }

    /// <summary>Adds a range tombstone; the table's bounds widen to cover it (its end as an exclusive sentinel).</summary>
    public void AddRangeTombstone(RangeTombstone tombstone)
    {
        Invariant.Require(tombstone.Start.AsSpan().SequenceCompareTo(tombstone.End) < 0, "non-empty range");
        _tombstones.Add(tombstone);
        TrackSequence(tombstone.Sequence);
        _properties.RangeDeletionCount++;
    }

    public TableBuildResult Finish()
    {
        FlushDataBlock();
        var metaIndex = new List<(string Name, BlockHandle Handle)>();
        byte[] filter = BloomFilter.Build(_keyHashes, _options.BloomBitsPerKey);
        metaIndex.Add((TableFormat.FilterBlockName, WriteBlock(filter, CompressionType.None)));

        byte[]? smallest = _smallest;
        byte[]? largest = _largest;
        if (_tombstones.Count > 0)
        {
            _tombstones.Sort((a, b) =>
            {
                int c = a.Start.AsSpan().SequenceCompareTo(b.Start);
                return c != 0 ? c : b.Sequence.CompareTo(a.Sequence);
            });
            var rangeBlock = new BlockBuilder(1);
            foreach (RangeTombstone t in _tombstones)
            {
                byte[] start = InternalKey.Create(t.Start, t.Sequence, EntryType.RangeDeletion);
                rangeBlock.Add(start, t.End);
                if (smallest is null || InternalKey.Compare(start, smallest) < 0)
                {
                    smallest = start;
                }
                byte[] endSentinel = InternalKey.Create(t.End, InternalKey.MaxSequence, EntryType.RangeDeletion);
                if (largest is null || InternalKey.Compare(endSentinel, largest) > 0)
                {
                    largest = endSentinel;
                }
            }
            metaIndex.Add((TableFormat.RangeDeletionBlockName, WriteBlock(rangeBlock.Finish(), _options.Compression)));
        }

        var propertiesBlock = new BlockBuilder(1);
        _properties.WriteTo(propertiesBlock);
        metaIndex.Add((TableFormat.PropertiesBlockName, WriteBlock(propertiesBlock.Finish(), CompressionType.None)));

        metaIndex.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var metaIndexBlock = new BlockBuilder(1);
        foreach ((string name, BlockHandle handle) in metaIndex)
        {
            metaIndexBlock.Add(System.Text.Encoding.ASCII.GetBytes(name), handle.Encode());
        }
        BlockHandle metaIndexHandle = WriteBlock(metaIndexBlock.Finish(), CompressionType.None);
        BlockHandle indexHandle = WriteBlock(_indexBlock.Finish(), CompressionType.None);

        Span<byte> footer = stackalloc byte[TableFormat.FooterBytes];
        footer.Clear();
        int position = metaIndexHandle.EncodeTo(footer);
        indexHandle.EncodeTo(footer[position..]);
        BinaryPrimitives.WriteUInt32LittleEndian(footer[TableFormat.HandlesBytes..], TableFormat.Version);
        uint footerCrc = Crc32C.Mask(Crc32C.Compute(footer[..(TableFormat.HandlesBytes + 4)]));
        BinaryPrimitives.WriteUInt32LittleEndian(footer[(TableFormat.HandlesBytes + 4)..], footerCrc);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[(TableFormat.HandlesBytes + 8)..], TableFormat.Magic);
        _file.Append(footer);
        _offset += footer.Length;

        Invariant.Require(smallest is not null && largest is not null, "a table holds at least one entry or tombstone");
        return new TableBuildResult((ulong)_offset, smallest, largest,
            _smallestSequence == ulong.MaxValue ? 0 : _smallestSequence, _largestSequence,
            _properties.EntryCount, _properties.DeletionCount, _properties.RangeDeletionCount);
    }

    /// <summary>Makes the finished table durable (its name still needs a directory sync).</summary>
    public void Sync() => _file.Sync();

    public void Dispose() => _file.Dispose();

    private void TrackSequence(ulong sequence)
    {
        _smallestSequence = Math.Min(_smallestSequence, sequence);
        _largestSequence = Math.Max(_largestSequence, sequence);
    }

    private void FlushDataBlock()
    {
        if (_dataBlock.IsEmpty)
        {
            return;
        }
        byte[] lastKey = _dataBlock.LastKey.ToArray();
        BlockHandle handle = WriteBlock(_dataBlock.Finish(), _options.Compression);
        _dataBlock.Reset();
        Span<byte> encoded = stackalloc byte[BlockHandle.MaxEncodedBytes];
        _indexBlock.Add(lastKey, encoded[..handle.EncodeTo(encoded)]);
        _properties.DataBlockCount++;
    }

    private BlockHandle WriteBlock(ReadOnlySpan<byte> contents, CompressionType compression)
    {
        byte[]? rented = null;
        ReadOnlySpan<byte> payload = contents;
        CompressionType type = CompressionType.None;
        try
        {
            if (compression == CompressionType.Lz4)
            {
                rented = ArrayPool<byte>.Shared.Rent(Varint.MaxLength64 + LZ4Codec.MaximumOutputSize(contents.Length));
                int header = Varint.Write(rented, (ulong)contents.Length);
                int compressed = LZ4Codec.Encode(contents, rented.AsSpan(header), LZ4Level.L00_FAST);
                // Keep the compressed form only when it saves at least 1/8, as LevelDB does.
                if (compressed > 0 && header + compressed < contents.Length - (contents.Length / 8))
                {
                    payload = rented.AsSpan(0, header + compressed);
                    type = CompressionType.Lz4;
                }
            }
            var handle = new BlockHandle((ulong)_offset, (ulong)payload.Length);
            Span<byte> trailer = stackalloc byte[TableFormat.BlockTrailerBytes];
            trailer[0] = (byte)type;
            uint crc = Crc32C.Append(Crc32C.Compute(payload), trailer[..1]);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[1..], Crc32C.Mask(crc));
            _file.Append(payload);
            _file.Append(trailer);
            _offset += payload.Length + TableFormat.BlockTrailerBytes;
            return handle;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
