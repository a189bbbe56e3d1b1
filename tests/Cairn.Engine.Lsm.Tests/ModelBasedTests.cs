using Cairn.Engine.Lsm.Table;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using static Cairn.Engine.Lsm.Tests.TestDatabase;

namespace Cairn.Engine.Lsm.Tests;

/// <summary>
/// Metamorphic test (Pebble's style): random sequences of puts, deletes, range deletes, batches, snapshots, flushes,
/// compactions and reopenings, run under several configurations, must answer every read exactly as an in-memory sorted
/// dictionary does. A failure names its seed and configuration; a failing seed becomes a regression case below.
/// </summary>
public sealed class ModelBasedTests
{
    public static TheoryData<ulong, int> Runs()
    {
        var data = new TheoryData<ulong, int>();
        // CAIRN_MODEL_SEEDS=N runs N seeds per configuration instead of 6 (a longer soak before a merge).
        ulong seeds = ulong.TryParse(Environment.GetEnvironmentVariable("CAIRN_MODEL_SEEDS"), out ulong requested) ? requested : 6;
        for (ulong seed = 1; seed <= seeds; seed++)
        {
            for (int configuration = 0; configuration < 4; configuration++)
            {
                data.Add(seed, configuration);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void RandomOperationsMatchASortedDictionary(ulong seed, int configuration)
    {
        try
        {
            Run(seed, configuration, operations: 1500);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"model test failed: seed {seed}, configuration {configuration}: {e.Message}", e);
        }
    }

    private static LsmOptions Configuration(int configuration)
    {
        LsmOptions options = SmallOptions(background: configuration == 3);
        options.WriteBufferSizeBytes = 16 * 1024;
        switch (configuration)
        {
            case 0:
                options.Compression = CompressionType.None;
                options.BlockRestartInterval = 1;
                options.BlockSizeBytes = 256;
                break;
            case 1:
                options.Compression = CompressionType.Lz4;
                options.BlockRestartInterval = 16;
                options.BloomBitsPerKey = 0;
                break;
            case 2:
                options.TargetFileSizeBytes = 4096;
                options.MaxBytesForLevelBase = 16 * 1024;
                options.LevelSizeMultiplier = 2;
                break;
            default:
                break;
        }
        return options;
    }

    private static void Run(ulong seed, int configuration, int operations)
    {
        var random = new SeededRandom(seed);
        var fs = new MemoryFileSystem();
        LsmOptions options = Configuration(configuration);
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        options.TimeProvider = clock;
        var expiries = new Dictionary<string, DateTimeOffset>();
        LsmDatabase db = LsmDatabase.Open(options, fs, DatabasePath);
        var model = new SortedDictionary<byte[], byte[]>(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)));
        var snapshots = new List<(Snapshot Snapshot, SortedDictionary<byte[], byte[]> Model)>();
        try
        {
            for (int step = 0; step < operations; step++)
            {
                int choice = random.NextInt(100);
                if (choice < 30)
                {
                    byte[] key = RandomKey(random);
                    byte[] value = RandomValue(random);
                    db.Put(key, value);
                    model[key] = value;
                }
                else if (choice < 35)
                {
                    // A value with a time to live: the model stores it with a unique marker naming its expiry.
                    byte[] key = RandomKey(random);
                    DateTimeOffset expiresAt = clock.GetUtcNow().AddSeconds(1 + random.NextInt(20));
                    byte[] value = TestDatabase.Bytes($"ttl{step}");
                    db.Put(key, value, expiresAt);
                    model[key] = value;
                    expiries[Text(value)] = expiresAt;
                    if (random.NextInt(3) == 0)
                    {
                        clock.Advance(TimeSpan.FromSeconds(random.NextInt(15)));
                    }
                }
                else if (choice < 45)
                {
                    byte[] key = RandomKey(random);
                    db.Delete(key);
                    model.Remove(key);
                }
                else if (choice < 49)
                {
                    (byte[] start, byte[] end) = RandomRange(random);
                    db.DeleteRange(start, end);
                    foreach (byte[] key in model.Keys.Where(k => InRange(k, start, end)).ToList())
                    {
                        model.Remove(key);
                    }
                }
                else if (choice < 55)
                {
                    var batch = new WriteBatch();
                    var staged = new List<(int Kind, byte[] A, byte[] B)>();
                    int count = 1 + random.NextInt(6);
                    for (int i = 0; i < count; i++)
                    {
                        int kind = random.NextInt(10);
                        if (kind < 6)
                        {
                            byte[] key = RandomKey(random);
                            byte[] value = RandomValue(random);
                            batch.Put(key, value);
                            staged.Add((0, key, value));
                        }
                        else if (kind < 9)
                        {
                            byte[] key = RandomKey(random);
                            batch.Delete(key);
                            staged.Add((1, key, []));
                        }
                        else
                        {
                            (byte[] start, byte[] end) = RandomRange(random);
                            batch.DeleteRange(start, end);
                            staged.Add((2, start, end));
                        }
                    }
                    db.Write(batch, new WriteOptions { Sync = random.NextInt(4) == 0 });
                    foreach ((int kind, byte[] a, byte[] b) in staged)
                    {
                        if (kind == 0)
                        {
                            model[a] = b;
                        }
                        else if (kind == 1)
                        {
                            model.Remove(a);
                        }
                        else
                        {
                            foreach (byte[] key in model.Keys.Where(k => InRange(k, a, b)).ToList())
                            {
                                model.Remove(key);
                            }
                        }
                    }
                }
                else if (choice < 58)
                {
                    snapshots.Add((db.GetSnapshot(), new SortedDictionary<byte[], byte[]>(model, model.Comparer)));
                }
                else if (choice < 60 && snapshots.Count > 0)
                {
                    int index = random.NextInt(snapshots.Count);
                    snapshots[index].Snapshot.Dispose();
                    snapshots.RemoveAt(index);
                }
                else if (choice < 62)
                {
                    db.Flush();
                }
                else if (choice < 64)
                {
                    if (random.NextInt(2) == 0)
                    {
                        db.CompactAll();
                    }
                    else
                    {
                        db.CompactUntilSettled();
                    }
                }
                else if (choice < 65)
                {
                    foreach ((Snapshot snapshot, _) in snapshots)
                    {
                        snapshot.Dispose();
                    }
                    snapshots.Clear();
                    db.Dispose();
                    db = LsmDatabase.Open(options, fs, DatabasePath);
                    Assert.Empty(db.RecoveryReport);
                }
                else if (choice < 85)
                {
                    for (int i = 0; i < 5; i++)
                    {
                        byte[] key = RandomKey(random);
                        Assert.Equal(Describe(Live(model.GetValueOrDefault(key), expiries, clock)), Describe(db.Get(key)));
                    }
                    if (snapshots.Count > 0)
                    {
                        var (snapshot, snapshotModel) = snapshots[random.NextInt(snapshots.Count)];
                        byte[] key = RandomKey(random);
                        Assert.Equal(Describe(Live(snapshotModel.GetValueOrDefault(key), expiries, clock)),
                            Describe(db.Get(key, new ReadOptions { Snapshot = snapshot })));
                    }
                }
                else
                {
                    CheckIterators(db, LiveModel(model, expiries, clock), random, null);
                    if (snapshots.Count > 0)
                    {
                        var (snapshot, snapshotModel) = snapshots[random.NextInt(snapshots.Count)];
                        CheckIterators(db, LiveModel(snapshotModel, expiries, clock), random, snapshot);
                    }
                }
            }
            CheckIterators(db, LiveModel(model, expiries, clock), random, null);
        }
        finally
        {
            foreach ((Snapshot snapshot, _) in snapshots)
            {
                snapshot.Dispose();
            }
            db.Dispose();
        }
    }

    private static void CheckIterators(LsmDatabase db, SortedDictionary<byte[], byte[]> model, SeededRandom random, Snapshot? snapshot)
    {
        List<KeyValuePair<byte[], byte[]>> expected = model.ToList();
        int mode = random.NextInt(5);
        byte[]? lower = null, upper = null, prefix = null;
        if (mode == 1)
        {
            (lower, upper) = RandomRange(random);
        }
        else if (mode == 2)
        {
            prefix = TestDatabase.Bytes($"k{random.NextInt(3)}");
        }
        else if (mode == 3)
        {
            lower = RandomKey(random);
        }
        else if (mode == 4)
        {
            upper = RandomKey(random);
        }
        List<KeyValuePair<byte[], byte[]>> window = expected.Where(kv =>
            (lower is null || kv.Key.AsSpan().SequenceCompareTo(lower) >= 0)
            && (upper is null || kv.Key.AsSpan().SequenceCompareTo(upper) < 0)
            && (prefix is null || kv.Key.AsSpan().StartsWith(prefix))).ToList();
        var options = new ReadOptions { Snapshot = snapshot, LowerBound = lower, UpperBound = upper, Prefix = prefix };
        using LsmIterator iterator = db.NewIterator(options);

        var forward = new List<string>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            forward.Add(Text(iterator.Key.ToArray()) + "=" + Text(iterator.Value.ToArray()));
        }
        Assert.Equal(window.Select(kv => Text(kv.Key) + "=" + Text(kv.Value)).ToList(), forward);

        var backward = new List<string>();
        for (iterator.SeekToLast(); iterator.Valid; iterator.Prev())
        {
            backward.Add(Text(iterator.Key.ToArray()));
        }
        Assert.Equal(window.Select(kv => Text(kv.Key)).Reverse().ToList(), backward);

        // Seek, then a few steps in a random mix of directions.
        byte[] target = RandomKey(random);
        iterator.Seek(target);
        int position = window.FindIndex(kv => kv.Key.AsSpan().SequenceCompareTo(target) >= 0);
        for (int step = 0; step < 8; step++)
        {
            if (position < 0 || position >= window.Count)
            {
                Assert.False(iterator.Valid);
                break;
            }
            Assert.True(iterator.Valid);
            Assert.Equal(Text(window[position].Key), Text(iterator.Key.ToArray()));
            Assert.Equal(Text(window[position].Value), Text(iterator.Value.ToArray()));
            if (random.NextInt(3) == 0)
            {
                iterator.Prev();
                position--;
            }
            else
            {
                iterator.Next();
                position++;
            }
        }

        iterator.SeekForPrev(target);
        int last = window.FindLastIndex(kv => kv.Key.AsSpan().SequenceCompareTo(target) <= 0);
        if (last < 0)
        {
            Assert.False(iterator.Valid);
        }
        else
        {
            Assert.True(iterator.Valid);
            Assert.Equal(Text(window[last].Key), Text(iterator.Key.ToArray()));
        }
    }

    private static byte[]? Live(byte[]? value, Dictionary<string, DateTimeOffset> expiries, TimeProvider clock) =>
        value is not null && expiries.TryGetValue(Text(value), out DateTimeOffset expiresAt) && expiresAt <= clock.GetUtcNow() ? null : value;

    private static SortedDictionary<byte[], byte[]> LiveModel(SortedDictionary<byte[], byte[]> model,
        Dictionary<string, DateTimeOffset> expiries, TimeProvider clock)
    {
        var live = new SortedDictionary<byte[], byte[]>(model.Comparer);
        foreach (KeyValuePair<byte[], byte[]> kv in model)
        {
            if (Live(kv.Value, expiries, clock) is not null)
            {
                live[kv.Key] = kv.Value;
            }
        }
        return live;
    }

    private static bool InRange(byte[] key, byte[] start, byte[] end) =>
        key.AsSpan().SequenceCompareTo(start) >= 0 && key.AsSpan().SequenceCompareTo(end) < 0;

    private static string Describe(byte[]? value) => value is null ? "<absent>" : Text(value);

    private static byte[] RandomKey(SeededRandom random) => TestDatabase.Bytes($"k{random.NextInt(300):D3}");

    private static (byte[] Start, byte[] End) RandomRange(SeededRandom random)
    {
        int a = random.NextInt(300);
        int b = a + 1 + random.NextInt(40);
        return (TestDatabase.Bytes($"k{a:D3}"), TestDatabase.Bytes($"k{b:D3}"));
    }

    private static byte[] RandomValue(SeededRandom random)
    {
        var value = new byte[random.NextInt(4) == 0 ? random.NextInt(400) : 1 + random.NextInt(20)];
        for (int i = 0; i < value.Length; i++)
        {
            value[i] = (byte)('a' + random.NextInt(26));
        }
        return value;
    }
}
