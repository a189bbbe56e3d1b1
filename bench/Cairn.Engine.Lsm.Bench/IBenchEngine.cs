namespace Cairn.Engine.Lsm.Bench;

/// <summary>The operations db_bench needs, so that Cairn and RocksDB run the very same workload code.</summary>
internal interface IBenchEngine : IDisposable
{
    string Name { get; }

    void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>Returns the value length, or -1 if absent.</summary>
    int Get(ReadOnlySpan<byte> key);

    /// <summary>Iterates every key in order; returns the count and adds the bytes seen.</summary>
    long ScanAll(ref long bytes);

    /// <summary>Seeks to <paramref name="key"/> and reads up to <paramref name="count"/> entries; returns how many it read.</summary>
    int SeekAndScan(ReadOnlySpan<byte> key, int count);

    /// <summary>Write amplification: bytes written by flushes and compactions over bytes the user wrote.</summary>
    double WriteAmplification { get; }

    /// <summary>Bytes of live table files.</summary>
    long LiveTableBytes { get; }

    string Describe();

    /// <summary>True when the engine has no flush or compaction running or due.</summary>
    bool IsIdle { get; }
}
