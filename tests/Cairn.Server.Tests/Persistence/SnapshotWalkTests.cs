using System.Buffers;
using System.Buffers.Binary;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Persistence;

/// <summary>The snapshot walk encodes strings outside the store lock from references it captured under it: the claim
/// protocol (<see cref="CapturedStrings"/>) and the point-in-time guarantee for values changed in place.</summary>
public sealed class SnapshotWalkTests
{
    [Fact]
    public void AWriteHookSavesACapturedStringBeforeItIsChangedInPlaceAndTheWalkSkipsIt()
    {
        var captured = new CapturedStrings(8);
        byte[] embedded = "k1aaaa"u8.ToArray();
        byte[] rawKey = "k2"u8.ToArray();
        byte[] rawValue = "raw-value"u8.ToArray();
        captured.Open(3, 100, 8);
        captured.Add(101, embedded, null, 2, 0);
        captured.Add(105, rawKey, rawValue, 2, 1_800_000_000_000);
        var pending = new ArrayBufferWriter<byte>();

        Assert.False(captured.TrySaveForWriter(3, 102, pending)); // nothing captured at that slot
        Assert.False(captured.TrySaveForWriter(4, 101, pending)); // another database
        Assert.True(captured.TrySaveForWriter(3, 101, pending));
        Assert.False(captured.TrySaveForWriter(3, 101, pending)); // saved once
        "bbbb"u8.CopyTo(embedded.AsSpan(2)); // the write goes ahead in place

        var walked = new ArrayBufferWriter<byte>();
        Assert.Equal(1, captured.EncodeAll(walked));
        Assert.False(captured.TrySaveForWriter(3, 105, pending)); // the walk saved it
        captured.Close();
        Assert.Equal(-1, captured.Database);

        Assert.Equal([("k1", "aaaa", 0L)], DecodeStrings(pending.WrittenSpan, 3));
        Assert.Equal([("k2", "raw-value", 1_800_000_000_000L)], DecodeStrings(walked.WrittenSpan, 3));
    }

    [Fact]
    public void SavingAllForAFlushWritesEveryCaptureTheWalkHasNotTaken()
    {
        var captured = new CapturedStrings(4);
        captured.Open(0, 0, 4);
        captured.Add(0, "aX"u8.ToArray(), null, 1, 0);
        captured.Add(2, "bY"u8.ToArray(), null, 1, 0);
        captured.Add(3, "cZ"u8.ToArray(), null, 1, 0);
        var pending = new ArrayBufferWriter<byte>();
        Assert.True(captured.TrySaveForWriter(0, 2, pending));
        Assert.Equal(0, captured.SaveAllForWriter(1, pending)); // another database: untouched
        Assert.Equal(2, captured.SaveAllForWriter(0, pending));
        Assert.Equal(0, captured.EncodeAll(new ArrayBufferWriter<byte>()));
        captured.Close();
        Assert.Equal([("b", "Y", 0L), ("a", "X", 0L), ("c", "Z", 0L)], DecodeStrings(pending.WrittenSpan, 0));
    }

    [Fact]
    public void AStringRecordWrittenInPlaceIsTheRecordOfAByteArrayValue()
    {
        var direct = new ArrayBufferWriter<byte>();
        var generic = new ArrayBufferWriter<byte>();
        byte[] value = new byte[300]; // a varint length of two bytes
        value.AsSpan().Fill((byte)'v');
        SnapshotFormat.WriteStringKey(direct, 200, "key"u8, 1_800_000_000_000, value);
        SnapshotFormat.WriteKey(generic, new ArrayBufferWriter<byte>(), 200, "key"u8, 1_800_000_000_000, value);
        Assert.Equal(Convert.ToHexString(generic.WrittenSpan), Convert.ToHexString(direct.WrittenSpan));
    }

    [Fact]
    public async Task BackgroundSnapshotKeepsStringsChangedInPlaceAsTheyWereAtItsStart()
    {
        await using var server = new TestServer(c => c.Save = "");
        const int Keys = 100_000;
        long expiry = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000;
        var expected = new Dictionary<string, (string Value, long Expiry)>();
        using (server.Context.Store.Lock.EnterScope())
        {
            for (int i = 0; i < Keys; i++)
            {
                // Embedded strings, raw ones (longer than the embedding limit, changed in their own array) and numbers.
                string value = (i % 10) switch
                {
                    0 => new string('r', 100) + i,
                    1 => "1000",
                    _ => $"before-{i:D6}",
                };
                long expires = i % 5 == 2 ? expiry : 0;
                expected[$"k{i}"] = (value, expires);
                server.Context.Store[0].Set(System.Text.Encoding.ASCII.GetBytes($"k{i}"), System.Text.Encoding.ASCII.GetBytes(value), expires, false, 0);
            }
        }
        IDatabase db = server.Database();
        Assert.Equal("Background saving started", (string?)await db.ExecuteAsync("BGSAVE"));
        // One connection, so every write below reaches the server after BGSAVE; from the last slots back, to meet the
        // walk on keys it has not reached. Equal-length SETs, SETRANGE, APPEND and INCR change the value's array in place.
        var writes = new List<Task>(Keys);
        for (int i = Keys - 1; i >= 0; i--)
        {
            string key = $"k{i}";
            writes.Add((i % 10, i % 4) switch
            {
                (1, _) => db.StringIncrementAsync(key),
                (0, 0) or (_, 0) => db.StringSetRangeAsync(key, 1, "XY"),
                (_, 1) => db.StringSetAsync(key, $"after!-{i:D6}", null, keepTtl: true),
                (_, 2) => db.StringAppendAsync(key, "-more"),
                _ => i % 3 == 0 ? db.KeyDeleteAsync(key) : db.KeyExpireAsync(key, TimeSpan.FromSeconds(5)),
            });
        }
        await Task.WhenAll(writes);
        await (server.Context.Snapshots.Running ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(60));

        var store = new MemoryStore(16, TimeProvider.System);
        long loaded = SnapshotReader.Load(store, new PhysicalFileSystem(), server.Context.Snapshots.Path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(Keys, loaded);
        foreach ((string key, (string value, long expires)) in expected)
        {
            byte[] name = System.Text.Encoding.ASCII.GetBytes(key);
            int slot = store[0].Find(name, 0);
            Assert.True(slot >= 0, $"{key} is missing");
            Assert.True(store[0].EntryAt(slot).TryGetString(out ReadOnlySpan<byte> stored), $"{key} is not a string");
            Assert.True(stored.SequenceEqual(System.Text.Encoding.ASCII.GetBytes(value)), $"{key} is not as it was when the snapshot began");
            Assert.Equal(expires, store[0].ExpiresAt(slot));
        }
    }

    [Fact]
    public async Task WritesToCapturedKeysBeforeTheWalkEncodesThemDoNotReachTheSnapshot()
    {
        await RunWithWritesAfterEachCapture((db, first, end) =>
        {
            for (int slot = first; slot < end; slot++)
            {
                if (db.EntryAt(slot).Data is null)
                {
                    continue;
                }
                byte[] key = db.KeySpanAt(slot).ToArray();
                switch (slot % 5)
                {
                    case 0:
                        db.EntryAt(slot).TryGetString(out ReadOnlySpan<byte> old);
                        byte[] same = new byte[old.Length]; // equal length: overwritten in its array
                        same.AsSpan().Fill((byte)'=');
                        db.SetString(key, same, 0, keepTtl: true, 0);
                        break;
                    case 1:
                        db.RawStringAt(slot, 4)[0] = (byte)'#'; // SETRANGE's path
                        break;
                    case 2:
                        db.SetExpiry(slot, db.ExpiresAt(slot) == 0 ? 1_900_000_000_000 : 0);
                        break;
                    case 3:
                        db.RemoveAt(slot);
                        db.SetString(key, "recreated"u8, 0, keepTtl: false, 0);
                        break;
                    default:
                        break; // left alone: the walk writes it
                }
            }
        });
    }

    [Fact]
    public async Task AFlushWhileARangeIsCapturedSavesTheWholeDatabaseFirst()
    {
        bool flushed = false;
        await RunWithWritesAfterEachCapture((db, first, end) =>
        {
            if (!flushed && first > 0)
            {
                flushed = true;
                db.Clear();
                db.SetString("after-flush"u8, "x"u8, 0, keepTtl: false, 0);
            }
        });
    }

    [Fact]
    public async Task ASwapWhileARangeIsCapturedSavesBothDatabasesBeforeTheirArraysChangeOwner()
    {
        bool swapped = false;
        await RunWithWritesAfterEachCapture((db, first, end) =>
        {
            if (swapped || first == 0)
            {
                return;
            }
            swapped = true;
            Database other = db.Store[1];
            db.SwapContents(other);
            for (int slot = first; slot < end; slot++)
            {
                // The captured arrays now belong to database 1, whose snapshot is finished: changed in place, unseen.
                if (other.EntryAt(slot).Data is not null && other.EntryAt(slot).TryGetString(out ReadOnlySpan<byte> old))
                {
                    other.SetString(other.KeySpanAt(slot).ToArray(), new byte[old.Length], 0, keepTtl: true, 0);
                }
            }
        });
    }

    /// <summary>
    /// Snapshots a store of strings (embedded, raw, some with an expiry) while <paramref name="write"/> changes the keys of
    /// each captured range under the store lock before the walk encodes them; the file must hold the store as it was.
    /// </summary>
    private static async Task RunWithWritesAfterEachCapture(Action<Database, int, int> write)
    {
        const int Keys = 5_000;
        var store = new MemoryStore(16, TimeProvider.System);
        var expected = new Dictionary<string, (byte[] Value, long Expiry)>();
        for (int i = 0; i < Keys; i++)
        {
            byte[] value = i % 7 == 0 ? System.Text.Encoding.ASCII.GetBytes(new string('r', 100) + i) : System.Text.Encoding.ASCII.GetBytes($"v-{i:D5}");
            long expires = i % 3 == 0 ? 1_800_000_000_000 + i : 0;
            expected[$"key:{i}"] = (value, expires);
            store[0].Set(System.Text.Encoding.ASCII.GetBytes($"key:{i}"), value.ToArray(), expires, false, 0); // a raw string keeps the array it is given
        }
        await Snapshot(store, (database, first, end) => write(store[database], first, end), path =>
        {
            var loaded = new MemoryStore(16, TimeProvider.System);
            Assert.Equal(Keys, SnapshotReader.Load(loaded, new PhysicalFileSystem(), path, 0));
            Assert.Equal(Keys, loaded[0].Count);
            foreach ((string key, (byte[] value, long expires)) in expected)
            {
                int slot = loaded[0].Find(System.Text.Encoding.ASCII.GetBytes(key), 0);
                Assert.True(slot >= 0, $"{key} is missing");
                Assert.True(loaded[0].EntryAt(slot).TryGetString(out ReadOnlySpan<byte> stored) && stored.SequenceEqual(value), $"{key} is not as it was when the snapshot began");
                Assert.Equal(expires, loaded[0].ExpiresAt(slot));
            }
        });
    }

    /// <summary>A background snapshot of <paramref name="store"/> with the walk's test seam, then checks on its file.</summary>
    internal static async Task Snapshot(MemoryStore store, Action<int, int, int> afterCapture, Action<string> check)
    {
        string directory = Path.Combine(Path.GetTempPath(), "cairn-walk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "dump.csnp");
            SnapshotJob job;
            using (store.Lock.EnterScope())
            {
                job = SnapshotJob.Start(store, new PhysicalFileSystem(), path, background: true, (db, first, end) =>
                {
                    using (store.Lock.EnterScope())
                    {
                        afterCapture(db, first, end);
                    }
                });
            }
            SnapshotResult result = await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(result.Succeeded, result.Error);
            check(path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Reads string key records (database, key, expiry, type 1, value) as (key, value, expiry).</summary>
    private static List<(string Key, string Value, long Expiry)> DecodeStrings(ReadOnlySpan<byte> records, int database)
    {
        var result = new List<(string, string, long)>();
        while (!records.IsEmpty)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(records);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(records[4..]);
            ReadOnlySpan<byte> payload = records.Slice(8, length);
            Assert.Equal(crc, Crc32C.Mask(Crc32C.Compute(payload)));
            Assert.Equal(SnapshotFormat.KeyRecord, payload[0]);
            int pos = 1;
            int n = Varint.TryRead(payload[pos..], out ulong db);
            Assert.True(n > 0);
            Assert.Equal((ulong)database, db);
            pos += n;
            n = Varint.TryRead(payload[pos..], out ulong keyLength);
            pos += n;
            string key = System.Text.Encoding.ASCII.GetString(payload.Slice(pos, (int)keyLength));
            pos += (int)keyLength;
            n = Varint.TryRead(payload[pos..], out ulong expiry);
            pos += n;
            Assert.Equal(1, payload[pos++]);
            result.Add((key, System.Text.Encoding.ASCII.GetString(payload[pos..]), (long)expiry));
            records = records[(8 + length)..];
        }
        return result;
    }
}
