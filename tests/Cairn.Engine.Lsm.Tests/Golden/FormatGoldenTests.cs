using Cairn.Engine.Lsm.Cache;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Manifest;
using Cairn.Engine.Lsm.Memtable;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Engine.Lsm.Table;
using Cairn.Engine.Lsm.Wal;
using Cairn.Primitives.FileSystem;
using static Cairn.Engine.Lsm.Tests.TestDatabase;

namespace Cairn.Engine.Lsm.Tests.Golden;

/// <summary>The three durable formats (docs/formats/lsm-wal.md, sstable.md, manifest.md) encode exactly as checked in.</summary>
public sealed class FormatGoldenTests
{
    [Fact]
    public void WalFormatVersionIsOne() => Assert.Equal(1u, LogFormat.Version);

    [Fact]
    public void TableFormatVersionIsOne() => Assert.Equal(1u, TableFormat.Version);

    [Fact]
    public void ManifestFormatVersionIsOne() => Assert.Equal(1u, ManifestFormat.Version);

    [Fact]
    public void WalRecordOfABatchMatchesTheGoldenFile()
    {
        var fs = new MemoryFileSystem();
        fs.CreateDirectory("/g");
        var batch = new WriteBatch();
        batch.Put(Bytes("apple"), Bytes("red"));
        batch.Delete(Bytes("banana"));
        batch.DeleteRange(Bytes("c"), Bytes("d"));
        batch.Sequence = 42;
        using (var writer = new LogWriter(fs.CreateWritable("/g/000001.log"), LogFormat.WalMagic))
        {
            writer.AddRecord(batch.Contents);
            writer.AddRecord(new byte[40000]); // spans two blocks: FIRST + LAST fragments
        }
        byte[] bytes = ReadAll(fs, "/g/000001.log");
        GoldenFile.AssertMatches("wal-v1.log", bytes);

        using IRandomAccessFile file = fs.OpenRandomAccess("/g/000001.log");
        var reader = new LogReader(file);
        Assert.Equal(LogReadResult.Record, reader.ReadRecord(LogFormat.WalMagic, out ReadOnlyMemory<byte> record));
        var decoded = new WriteBatch();
        Assert.True(decoded.TrySetContents(record.Span));
        Assert.Equal(42ul, decoded.Sequence);
        Assert.Equal(3, decoded.Count);
        Assert.Equal(LogReadResult.Record, reader.ReadRecord(LogFormat.WalMagic, out record));
        Assert.Equal(40000, record.Length);
        Assert.Equal(LogReadResult.EndOfFile, reader.ReadRecord(LogFormat.WalMagic, out _));
        Assert.False(reader.TornTail);
    }

    [Fact]
    public void TableMatchesTheGoldenFileAndReadsBack()
    {
        var fs = new MemoryFileSystem();
        fs.CreateDirectory("/g");
        var options = new TableOptions(BlockSizeBytes: 64, RestartInterval: 2, CompressionType.None, BloomBitsPerKey: 10);
        using (var builder = new TableBuilder(fs.CreateWritable("/g/000007.sst"), options))
        {
            builder.Add(InternalKey.Create(Bytes("alpha"), 3, EntryType.Value), Bytes("one"));
            builder.Add(InternalKey.Create(Bytes("alphabet"), 2, EntryType.Value), Bytes("two"));
            builder.Add(InternalKey.Create(Bytes("beta"), 5, EntryType.Deletion), []);
            builder.Add(InternalKey.Create(Bytes("beta"), 1, EntryType.Value), Bytes("three"));
            builder.Add(InternalKey.Create(Bytes("gamma"), 4, EntryType.Value), Bytes("four"));
            builder.AddRangeTombstone(new RangeTombstone(Bytes("delta"), Bytes("epsilon"), 6));
            TableBuildResult result = builder.Finish();
            Assert.Equal(5ul, result.EntryCount);
            Assert.Equal("alpha", Text(InternalKey.UserKey(result.Smallest).ToArray()));
            Assert.Equal("gamma", Text(InternalKey.UserKey(result.Largest).ToArray()));
        }
        GoldenFile.AssertMatches("sstable-v1.sst", ReadAll(fs, "/g/000007.sst"));

        using TableReader reader = TableReader.Open(fs, "/g/000007.sst", 7, new BlockCache(1 << 20), null);
        Assert.Equal(LookupResult.Found, Lookup(reader, "alphabet", 10, out byte[]? value));
        Assert.Equal("two", Text(value));
        Assert.Equal(LookupResult.Deleted, Lookup(reader, "beta", 10, out _));
        Assert.Equal(LookupResult.Found, Lookup(reader, "beta", 4, out value));
        Assert.Equal("three", Text(value));
        Assert.Equal(LookupResult.NotFound, Lookup(reader, "alpha", 2, out _));
        Assert.Single(reader.RangeTombstones);
        Assert.Equal(1ul, reader.Properties.DeletionCount);
    }

    [Fact]
    public void ManifestMatchesTheGoldenFileAndDecodes()
    {
        var fs = new MemoryFileSystem();
        fs.CreateDirectory("/g");
        var edit = new VersionEdit { FormatVersion = ManifestFormat.Version, LogNumber = 4, NextFileNumber = 9, LastSequence = 77 };
        edit.NewFiles.Add((1, new FileMetadata
        {
            Number = 7,
            SizeBytes = 1234,
            Smallest = InternalKey.Create(Bytes("a"), 3, EntryType.Value),
            Largest = InternalKey.Create(Bytes("z"), 5, EntryType.Deletion),
            SmallestSequence = 3,
            LargestSequence = 5,
            EntryCount = 10,
            DeletionCount = 2,
            RangeDeletionCount = 1,
        }));
        edit.DeletedFiles.Add((0, 6));
        using (var writer = new LogWriter(fs.CreateWritable("/g/MANIFEST-000003"), LogFormat.ManifestMagic))
        {
            writer.AddRecord(edit.Encode());
        }
        GoldenFile.AssertMatches("manifest-v1.bin", ReadAll(fs, "/g/MANIFEST-000003"));

        VersionEdit decoded = VersionEdit.TryDecode(edit.Encode())!;
        Assert.Equal(77ul, decoded.LastSequence);
        Assert.Equal((0, 6ul), decoded.DeletedFiles[0]);
        Assert.Equal(1234ul, decoded.NewFiles[0].File.SizeBytes);
        Assert.Equal(1ul, decoded.NewFiles[0].File.RangeDeletionCount);
    }

    private static LookupResult Lookup(TableReader reader, string key, ulong sequence, out byte[]? value) =>
        reader.Get(InternalKey.Create(Bytes(key), sequence, InternalKey.TypeForSeek), BloomFilter.Hash(Bytes(key)), out value, out _);

    private static byte[] ReadAll(IFileSystem fs, string path)
    {
        using IRandomAccessFile file = fs.OpenRandomAccess(path);
        var bytes = new byte[file.Length];
        file.Read(0, bytes);
        return bytes;
    }
}
