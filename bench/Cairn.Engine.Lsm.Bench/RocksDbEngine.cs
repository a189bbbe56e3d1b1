using System.Globalization;
using System.Text.RegularExpressions;
using RocksDbSharp;
using RocksCache = RocksDbSharp.Cache;
using RocksWriteOptions = RocksDbSharp.WriteOptions;

namespace Cairn.Engine.Lsm.Bench;

/// <summary>RocksDB through the RocksDB NuGet package, configured with the same shape and memory as Cairn.</summary>
internal sealed partial class RocksDbEngine : IBenchEngine
{
    private readonly RocksDb _database;
    private readonly DbOptions _options;
    private readonly RocksWriteOptions _writeOptions = new RocksWriteOptions().SetSync(false);

    public RocksDbEngine(string directory, long budgetBytes)
    {
        long writeBuffer = budgetBytes / 8;
        long cache = budgetBytes - (writeBuffer * 3);
        var table = new BlockBasedTableOptions()
            .SetBlockSize(4096)
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetWholeKeyFiltering(true)
            .SetCacheIndexAndFilterBlocks(true)
            .SetBlockCache(RocksCache.CreateLru((ulong)cache));
        _options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCompression(Compression.Lz4)
            .SetWriteBufferSize((ulong)writeBuffer)
            .SetMaxWriteBufferNumber(3)
            .SetLevel0FileNumCompactionTrigger(4)
            .SetMaxBytesForLevelBase(64UL * 1024 * 1024)
            .SetTargetFileSizeBase(8UL * 1024 * 1024)
            .SetLevelCompactionDynamicLevelBytes(false)
            .SetMaxBackgroundCompactions(1)
            .SetMaxBackgroundFlushes(1)
            .SetBlockBasedTableFactory(table)
            .EnableStatistics();
        _database = RocksDb.Open(_options, directory);
    }

    public string Name => "rocksdb";

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _database.Put(key, value, null, _writeOptions);

    public int Get(ReadOnlySpan<byte> key) => _database.Get(key) is { } value ? value.Length : -1;

    public long ScanAll(ref long bytes)
    {
        long count = 0;
        using Iterator iterator = _database.NewIterator();
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            bytes += iterator.GetKeySpan().Length + iterator.GetValueSpan().Length;
            count++;
        }
        return count;
    }

    public int SeekAndScan(ReadOnlySpan<byte> key, int count)
    {
        using Iterator iterator = _database.NewIterator();
        int read = 0;
        for (iterator.Seek(key); iterator.Valid() && read < count; iterator.Next())
        {
            _ = iterator.GetValueSpan();
            read++;
        }
        return read;
    }

    public double WriteAmplification
    {
        get
        {
            string statistics = _options.GetStatisticsString() ?? "";
            double user = Ticker(statistics, "rocksdb.bytes.written");
            double flushed = Ticker(statistics, "rocksdb.flush.write.bytes");
            double compacted = Ticker(statistics, "rocksdb.compact.write.bytes");
            return user == 0 ? 0 : (flushed + compacted) / user;
        }
    }

    public long LiveTableBytes =>
        long.TryParse(_database.GetProperty("rocksdb.total-sst-files-size"), NumberStyles.None, CultureInfo.InvariantCulture, out long bytes)
            ? bytes : -1;

    public string Describe()
    {
        var files = new List<string>();
        for (int level = 0; level < 7; level++)
        {
            files.Add(_database.GetProperty($"rocksdb.num-files-at-level{level}") ?? "?");
        }
        return $"files/level [{string.Join(",", files)}]";
    }

    public bool IsIdle =>
        _database.GetProperty("rocksdb.num-running-compactions") == "0" && _database.GetProperty("rocksdb.num-running-flushes") == "0"
        && _database.GetProperty("rocksdb.compaction-pending") == "0" && _database.GetProperty("rocksdb.mem-table-flush-pending") == "0";

    public void Dispose() => _database.Dispose();

    private static double Ticker(string statistics, string name)
    {
        Match match = Regex.Match(statistics, Regex.Escape(name) + @" COUNT : (\d+)");
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
