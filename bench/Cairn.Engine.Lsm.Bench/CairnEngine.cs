using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Bench;

internal sealed class CairnEngine : IBenchEngine
{
    private readonly LsmDatabase _database;

    public CairnEngine(string directory, long budgetBytes)
    {
        var options = new LsmOptions
        {
            MemoryBudgetBytes = budgetBytes,
            WriteBufferSizeBytes = budgetBytes / 8,
            MaxImmutableMemtables = 2,
            Level0CompactionTrigger = 4,
            MaxBytesForLevelBase = 64L * 1024 * 1024,
            TargetFileSizeBytes = 8L * 1024 * 1024,
        };
        _database = LsmDatabase.Open(options, PhysicalFileSystem.Instance, directory);
    }

    public string Name => "cairn";

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _database.Put(key, value);

    public int Get(ReadOnlySpan<byte> key) => _database.Get(key) is { } value ? value.Length : -1;

    public long ScanAll(ref long bytes)
    {
        long count = 0;
        using LsmIterator iterator = _database.NewIterator();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            bytes += iterator.Key.Length + iterator.Value.Length;
            count++;
        }
        return count;
    }

    public int SeekAndScan(ReadOnlySpan<byte> key, int count)
    {
        using LsmIterator iterator = _database.NewIterator();
        int read = 0;
        for (iterator.Seek(key); iterator.Valid && read < count; iterator.Next())
        {
            read++;
        }
        return read;
    }

    public double WriteAmplification => _database.GetStatistics().WriteAmplification;

    public long LiveTableBytes => _database.GetStatistics().LiveTableBytes;

    public string Describe()
    {
        LsmStatistics s = _database.GetStatistics();
        return $"files/level [{string.Join(",", s.FilesPerLevel)}] flushes {s.Flushes} compactions {s.Compactions} " +
            $"trivial moves {s.TrivialMoves} paced writes {s.PacedWrites} ({s.PacingDelay.TotalSeconds:F1}s) " +
            $"cache {s.BlockCacheBytes >> 20}/{s.BlockCacheCapacityBytes >> 20} MiB hits {s.BlockCacheHits} misses {s.BlockCacheMisses}";
    }

    public bool IsIdle => _database.IsIdle;

    public void Dispose() => _database.Dispose();
}
