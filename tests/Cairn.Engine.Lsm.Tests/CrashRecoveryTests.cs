using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using static Cairn.Engine.Lsm.Tests.TestDatabase;

namespace Cairn.Engine.Lsm.Tests;

/// <summary>
/// Crash tests on the fault-injecting file system (LevelDB's fault_injection_test): after a simulated power loss, with
/// unsynced data dropped or torn and with operations failing at random beforehand, the reopened database must hold exactly
/// the state after some prefix of the attempted writes, and that prefix must include every acknowledged synced write.
/// </summary>
public sealed class CrashRecoveryTests
{
    public static TheoryData<ulong, CrashMode, bool> Scenarios()
    {
        var data = new TheoryData<ulong, CrashMode, bool>();
        // CAIRN_CRASH_SEEDS=N runs N seeds per mode instead of 5 (a longer soak before a merge).
        ulong seeds = ulong.TryParse(Environment.GetEnvironmentVariable("CAIRN_CRASH_SEEDS"), out ulong requested) ? requested : 5;
        for (ulong seed = 1; seed <= seeds; seed++)
        {
            data.Add(seed, CrashMode.DropUnsynced, false);
            data.Add(seed, CrashMode.TearUnsynced, false);
            data.Add(seed, CrashMode.DropUnsynced, true);
            data.Add(seed, CrashMode.TearUnsynced, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void RecoveredStateIsAPrefixIncludingEverySyncedWrite(ulong seed, CrashMode mode, bool injectFailures)
    {
        var random = new SeededRandom(seed);
        var fs = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(seed + 1000));
        LsmOptions options = SmallOptions();
        options.WriteBufferSizeBytes = 8 * 1024;
        var comparer = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));
        var states = new List<SortedDictionary<byte[], byte[]>> { new(comparer) };
        int lastSynced = 0;
        for (int cycle = 0; cycle < 4; cycle++)
        {
            LsmDatabase db = LsmDatabase.Open(options, fs, DatabasePath);
            int recovered = MatchingState(db, states, lastSynced, $"seed {seed} {mode} failures={injectFailures} cycle {cycle}");
            states.RemoveRange(recovered + 1, states.Count - recovered - 1);
            lastSynced = recovered;
            if (injectFailures)
            {
                fs.FailingOperations = FaultKinds.Append | FaultKinds.Sync | FaultKinds.Create | FaultKinds.Rename | FaultKinds.SyncDirectory;
                fs.FailureProbability = 0.01;
            }
            try
            {
                for (int step = 0; step < 200; step++)
                {
                    int choice = random.NextInt(20);
                    if (choice == 0)
                    {
                        db.Flush();
                        continue;
                    }
                    if (choice == 1)
                    {
                        db.CompactAll();
                        continue;
                    }
                    var next = new SortedDictionary<byte[], byte[]>(states[^1], comparer);
                    var batch = new WriteBatch();
                    int entries = 1 + random.NextInt(3);
                    for (int i = 0; i < entries; i++)
                    {
                        byte[] key = Bytes($"k{random.NextInt(60):D2}");
                        int kind = random.NextInt(10);
                        if (kind < 7)
                        {
                            byte[] value = Bytes($"v{cycle}-{step}-{i}" + new string('p', random.NextInt(200)));
                            batch.Put(key, value);
                            next[key] = value;
                        }
                        else if (kind < 9)
                        {
                            batch.Delete(key);
                            next.Remove(key);
                        }
                        else
                        {
                            byte[] end = Bytes($"k{random.NextInt(60):D2}");
                            batch.DeleteRange(key, end);
                            foreach (byte[] k in next.Keys.Where(k => k.AsSpan().SequenceCompareTo(key) >= 0 && k.AsSpan().SequenceCompareTo(end) < 0).ToList())
                            {
                                next.Remove(k);
                            }
                        }
                    }
                    bool sync = random.NextInt(3) == 0;
                    states.Add(next);
                    db.Write(batch, new WriteOptions { Sync = sync });
                    if (sync)
                    {
                        lastSynced = states.Count - 1;
                    }
                }
            }
            catch (IOException) when (injectFailures)
            {
                // The failed operation may or may not have reached the log: both outcomes are among the candidate states.
            }
            fs.Crash(mode);
            try
            {
                db.Dispose();
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public void CleanCloseAfterUnsyncedWritesLosesNothing()
    {
        var fs = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(3));
        using (LsmDatabase db = Open(fs))
        {
            for (int i = 0; i < 500; i++)
            {
                db.Put(Key(i), Value(i));
            }
        }
        using (LsmDatabase db = Open(fs))
        {
            for (int i = 0; i < 500; i++)
            {
                Assert.Equal(Text(Value(i)), Text(db.Get(Key(i))));
            }
        }
    }

    private static int MatchingState(LsmDatabase db, List<SortedDictionary<byte[], byte[]>> states, int lastSynced, string context)
    {
        var actual = new List<string>();
        using (LsmIterator iterator = db.NewIterator())
        {
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                actual.Add(Text(iterator.Key.ToArray()) + "=" + Text(iterator.Value.ToArray()));
            }
        }
        for (int k = states.Count - 1; k >= lastSynced; k--)
        {
            if (states[k].Select(kv => Text(kv.Key) + "=" + Text(kv.Value)).SequenceEqual(actual))
            {
                foreach (KeyValuePair<byte[], byte[]> kv in states[k])
                {
                    Assert.Equal(Text(kv.Value), Text(db.Get(kv.Key)));
                }
                return k;
            }
        }
        var expected = states[^1].Select(kv => Text(kv.Key) + "=" + Text(kv.Value)).ToList();
        string diff = string.Join(", ", actual.Except(expected).Take(5)) + " || missing " + string.Join(", ", expected.Except(actual).Take(5));
        Assert.Fail($"{context}: recovered {actual.Count} keys match no state from synced write {lastSynced} to {states.Count - 1}; " +
            $"report: {string.Join(" | ", db.RecoveryReport)}; diff vs last: {diff}");
        return -1;
    }
}
