using System.Buffers.Binary;
using Cairn.Engine.Lsm.Cache;
using Cairn.Engine.Lsm.Iterators;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Memtable;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using K4os.Compression.LZ4;

namespace Cairn.Engine.Lsm.Table;

/// <summary>
/// An open table file. Index and filter blocks go through the block cache like data blocks, so they count against the
/// memory budget. Every block read from the file has its CRC32C verified before use; a block that fails is never cached and
/// fails every read that needs it (with file and offset), while the rest of the table stays readable.
/// Thread safety: all members are thread-safe (positional reads, immutable state, a thread-safe cache).
/// </summary>
internal sealed class TableReader : IDisposable
{
    private readonly IRandomAccessFile _file;
    private readonly BlockCache _cache;
    private readonly Action<CorruptionException>? _onCorruption;
    private readonly BlockHandle _indexHandle;
    private readonly BlockHandle _filterHandle;
    private readonly bool _hasFilter;
    [ThreadStatic]
    private static BlockIterator? t_indexIterator;

    [ThreadStatic]
    private static BlockIterator? t_dataIterator;

    private BloomFilter? _pinnedFilter;
    private Block? _pinnedIndex;
    private long _pinnedBytes;

    private TableReader(IRandomAccessFile file, ulong fileNumber, BlockCache cache, Action<CorruptionException>? onCorruption,
        BlockHandle indexHandle, BlockHandle filterHandle, bool hasFilter)
    {
        _file = file;
        FileNumber = fileNumber;
        _cache = cache;
        _onCorruption = onCorruption;
        _indexHandle = indexHandle;
        _filterHandle = filterHandle;
        _hasFilter = hasFilter;
    }

    public ulong FileNumber { get; }

    public string FilePath => _file.Path;

    public TableProperties Properties { get; private set; } = new();

    public List<RangeTombstone> RangeTombstones { get; private set; } = [];

    public static TableReader Open(IFileSystem fileSystem, string path, ulong fileNumber, BlockCache cache,
        Action<CorruptionException>? onCorruption)
    {
        IRandomAccessFile file = fileSystem.OpenRandomAccess(path);
        try
        {
            long length = file.Length;
            long footerOffset = length - TableFormat.FooterBytes;
            if (footerOffset < 0)
            {
                throw new CorruptionException(path, 0, $"file of {length} bytes is too short to be a table");
            }
            Span<byte> footer = stackalloc byte[TableFormat.FooterBytes];
            if (file.Read(footerOffset, footer) != footer.Length
                || BinaryPrimitives.ReadUInt64LittleEndian(footer[(TableFormat.HandlesBytes + 8)..]) != TableFormat.Magic)
            {
                throw new CorruptionException(path, footerOffset, "bad table magic");
            }
            uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(footer[(TableFormat.HandlesBytes + 4)..]);
            if (Crc32C.Unmask(storedCrc) != Crc32C.Compute(footer[..(TableFormat.HandlesBytes + 4)]))
            {
                throw new CorruptionException(path, footerOffset, "footer checksum mismatch");
            }
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(footer[TableFormat.HandlesBytes..]);
            if (version != TableFormat.Version)
            {
                throw new CorruptionException(path, footerOffset, $"unsupported table format version {version}");
            }
            if (!BlockHandle.TryDecode(footer, out BlockHandle metaIndexHandle, out int consumed)
                || !BlockHandle.TryDecode(footer[consumed..], out BlockHandle indexHandle, out _))
            {
                throw new CorruptionException(path, footerOffset, "bad block handles in footer");
            }
            Block metaIndex = ReadBlock(file, metaIndexHandle);
            BlockHandle filterHandle = default;
            BlockHandle propertiesHandle = default;
            BlockHandle rangeHandle = default;
            bool hasFilter = false, hasProperties = false, hasRange = false;
            var iterator = metaIndex.NewIterator();
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                if (!BlockHandle.TryDecode(iterator.Value, out BlockHandle handle, out _))
                {
                    throw new CorruptionException(path, (long)metaIndexHandle.Offset, "bad metaindex handle");
                }
                string name = System.Text.Encoding.ASCII.GetString(iterator.Key);
                switch (name)
                {
                    case TableFormat.FilterBlockName: filterHandle = handle; hasFilter = true; break;
                    case TableFormat.PropertiesBlockName: propertiesHandle = handle; hasProperties = true; break;
                    case TableFormat.RangeDeletionBlockName: rangeHandle = handle; hasRange = true; break;
                    default: break;
                }
            }
            var reader = new TableReader(file, fileNumber, cache, onCorruption, indexHandle, filterHandle, hasFilter);
            if (hasProperties)
            {
                reader.Properties = TableProperties.Read(ReadBlock(file, propertiesHandle));
            }
            if (hasRange)
            {
                reader.RangeTombstones = ReadRangeTombstones(ReadBlock(file, rangeHandle));
            }
            return reader;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Looks up the newest version of a user key at or below the lookup key's sequence.</summary>
    /// <param name="lookupKey">Internal key (user key, snapshot sequence, <see cref="InternalKey.TypeForSeek"/>).</param>
    public LookupResult Get(ReadOnlySpan<byte> lookupKey, ulong keyHash, out byte[]? value, out ulong foundSequence)
    {
        value = null;
        foundSequence = 0;
        if (_hasFilter && !GetFilter().MayContain(keyHash))
        {
            return LookupResult.NotFound;
        }
        BlockIterator index = t_indexIterator ??= GetIndexBlock().NewIterator();
        index.Reset(GetIndexBlock());
        index.Seek(lookupKey);
        if (!index.Valid)
        {
            return LookupResult.NotFound;
        }
        Block block = GetDataBlock(DecodeHandle(index.Value), fillCache: true);
        BlockIterator data = t_dataIterator ??= block.NewIterator();
        data.Reset(block);
        data.Seek(lookupKey);
        if (!data.Valid)
        {
            return LookupResult.NotFound;
        }
        ReadOnlySpan<byte> found = data.Key;
        if (!InternalKey.UserKey(found).SequenceEqual(InternalKey.UserKey(lookupKey)))
        {
            return LookupResult.NotFound;
        }
        foundSequence = InternalKey.Sequence(found);
        EntryType type = InternalKey.Type(found);
        if (type == EntryType.Value || type == EntryType.ValueWithExpiry)
        {
            value = data.Value.ToArray();
            return type == EntryType.Value ? LookupResult.Found : LookupResult.FoundExpiring;
        }
        return LookupResult.Deleted;
    }

    public bool KeyMayMatch(ulong keyHash) => !_hasFilter || GetFilter().MayContain(keyHash);

    public IInternalIterator NewIterator(bool fillCache) => new TableIterator(this, fillCache);

    internal Block GetIndexBlock()
    {
        if (_pinnedIndex is { } pinned)
        {
            return pinned;
        }
        Block index = GetCachedBlock(_indexHandle, fillCache: true);
        // Index and filter blocks are read by every lookup: pin them (charged to the cache) when the budget allows.
        if (_cache.TryPin(index.ChargeBytes))
        {
            lock (_cache)
            {
                if (_pinnedIndex is null)
                {
                    _pinnedIndex = index;
                    _pinnedBytes += index.ChargeBytes;
                }
                else
                {
                    _cache.Unpin(index.ChargeBytes);
                }
            }
        }
        return index;
    }

    internal Block GetDataBlock(BlockHandle handle, bool fillCache) => GetCachedBlock(handle, fillCache);

    internal BlockHandle DecodeHandle(ReadOnlySpan<byte> encoded) =>
        BlockHandle.TryDecode(encoded, out BlockHandle handle, out _)
            ? handle
            : throw Report(new CorruptionException(FilePath, (long)_indexHandle.Offset, "bad block handle in index"));

    /// <summary>Every block handle in file order, for the scrubber.</summary>
    internal List<BlockHandle> AllBlockHandles()
    {
        var handles = new List<BlockHandle>();
        BlockIterator index = GetIndexBlock().NewIterator();
        for (index.SeekToFirst(); index.Valid; index.Next())
        {
            handles.Add(DecodeHandle(index.Value));
        }
        handles.Add(_indexHandle);
        if (_hasFilter)
        {
            handles.Add(_filterHandle);
        }
        return handles;
    }

    /// <summary>Reads and verifies a block without touching the cache (the scrubber's path).</summary>
    internal void VerifyBlock(BlockHandle handle)
    {
        try
        {
            _ = ReadBlock(_file, handle);
        }
        catch (CorruptionException e)
        {
            throw Report(e);
        }
    }

    public void Dispose()
    {
        lock (_cache)
        {
            _cache.Unpin(_pinnedBytes);
            _pinnedBytes = 0;
            _pinnedIndex = null;
            _pinnedFilter = null;
        }
        _file.Dispose();
    }

    private BloomFilter GetFilter()
    {
        if (_pinnedFilter is { } pinned)
        {
            return pinned;
        }
        var key = new BlockCacheKey(FileNumber, _filterHandle.Offset);
        if (_cache.Lookup(key) is not BloomFilter filter)
        {
            byte[] raw;
            try
            {
                raw = ReadRaw(_file, _filterHandle, out _);
            }
            catch (CorruptionException e)
            {
                throw Report(e);
            }
            filter = new BloomFilter(raw.AsSpan(0, (int)_filterHandle.Size).ToArray());
            _cache.Insert(key, filter, filter.ChargeBytes);
        }
        if (_cache.TryPin(filter.ChargeBytes))
        {
            lock (_cache)
            {
                if (_pinnedFilter is null)
                {
                    _pinnedFilter = filter;
                    _pinnedBytes += filter.ChargeBytes;
                }
                else
                {
                    _cache.Unpin(filter.ChargeBytes);
                }
            }
        }
        return filter;
    }

    private Block GetCachedBlock(BlockHandle handle, bool fillCache)
    {
        var key = new BlockCacheKey(FileNumber, handle.Offset);
        if (_cache.Lookup(key) is Block cached)
        {
            return cached;
        }
        Block block;
        try
        {
            block = ReadBlock(_file, handle);
        }
        catch (CorruptionException e)
        {
            throw Report(e);
        }
        if (fillCache)
        {
            _cache.Insert(key, block, block.ChargeBytes);
        }
        return block;
    }

    private CorruptionException Report(CorruptionException e)
    {
        _onCorruption?.Invoke(e);
        return e;
    }

    private static List<RangeTombstone> ReadRangeTombstones(Block block)
    {
        var tombstones = new List<RangeTombstone>();
        var iterator = block.NewIterator();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            if (!InternalKey.IsValid(iterator.Key))
            {
                throw new CorruptionException(block.FilePath, block.FileOffset, "bad range tombstone key");
            }
            tombstones.Add(new RangeTombstone(InternalKey.UserKey(iterator.Key).ToArray(), iterator.Value.ToArray(),
                InternalKey.Sequence(iterator.Key)));
        }
        return tombstones;
    }

    /// <summary>Reads payload and trailer, verifies the CRC32C; returns the buffer (payload first) and the compression type.</summary>
    private static byte[] ReadRaw(IRandomAccessFile file, BlockHandle handle, out CompressionType type)
    {
        long length = file.Length;
        if (handle.Size > int.MaxValue - TableFormat.BlockTrailerBytes
            || (long)handle.Offset + (long)handle.Size + TableFormat.BlockTrailerBytes > length)
        {
            throw new CorruptionException(file.Path, (long)handle.Offset, "block extends past the end of the file");
        }
        int size = (int)handle.Size;
        var buffer = new byte[size + TableFormat.BlockTrailerBytes];
        if (file.Read((long)handle.Offset, buffer) != buffer.Length)
        {
            throw new CorruptionException(file.Path, (long)handle.Offset, "short read");
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(size + 1));
        uint actual = Crc32C.Compute(buffer.AsSpan(0, size + 1));
        if (Crc32C.Unmask(stored) != actual)
        {
            throw new CorruptionException(file.Path, (long)handle.Offset, "block checksum mismatch");
        }
        type = (CompressionType)buffer[size];
        return buffer;
    }

    private static Block ReadBlock(IRandomAccessFile file, BlockHandle handle)
    {
        byte[] raw = ReadRaw(file, handle, out CompressionType type);
        int size = (int)handle.Size;
        switch (type)
        {
            case CompressionType.None:
                return new Block(raw, size, file.Path, (long)handle.Offset);
            case CompressionType.Lz4:
                int header = Varint.TryRead(raw.AsSpan(0, size), out ulong uncompressedLength);
                if (header == 0 || uncompressedLength > (ulong)Array.MaxLength)
                {
                    throw new CorruptionException(file.Path, (long)handle.Offset, "bad uncompressed length");
                }
                var data = new byte[uncompressedLength];
                int decoded = LZ4Codec.Decode(raw.AsSpan(header, size - header), data);
                if (decoded != (int)uncompressedLength)
                {
                    throw new CorruptionException(file.Path, (long)handle.Offset, "LZ4 payload does not decode");
                }
                return new Block(data, data.Length, file.Path, (long)handle.Offset);
            default:
                throw new CorruptionException(file.Path, (long)handle.Offset, $"unknown compression type {(byte)type}");
        }
    }
}
