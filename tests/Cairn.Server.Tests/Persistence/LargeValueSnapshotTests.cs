using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Hashes;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Lists;
using Cairn.Engine.Memory.Persistence;
using Cairn.Engine.Memory.Sets;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Primitives.FileSystem;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Persistence;

/// <summary>
/// A large collection is written to a snapshot in pieces: its key record, then more-items records
/// (docs/formats/snapshot.md). A list, hash, set or sorted set in its full encoding is captured by reference and encoded
/// without the lock, its arrays copy-on-write; anything else (here: sorted sets kept as listpacks under raised limits)
/// goes a piece per hold of the store lock. Every type round-trips, a value changed after its capture or between its
/// pieces is saved as it was at the snapshot's start, nothing lands between a value's records, and a reader rejects
/// stray pieces. Large values through a server's SAVE, AOF and AOF rewrite: CollectionPersistenceTests. In the
/// process-wide settings collection because some tests raise the sorted sets' listpack limits.
/// </summary>
[Collection(ProcessWideSettingsCollection.Name)]
public sealed class LargeValueSnapshotTests
{
    /// <summary>Each collection below is a few times the walk's piece (256 KB) in MEMORY USAGE.</summary>
    private const int ItemCount = 12_000;

    [Fact]
    public async Task TheWalkReleasesTheLockBetweenALargeValuesPieces()
    {
        using var limits = new RaisedListpackLimits();
        var store = new MemoryStore(16, TimeProvider.System);
        var entries = new List<SortedSetEntry>();
        for (int i = 0; i < 40_000; i++)
        {
            entries.Add(new SortedSetEntry(Encoding.ASCII.GetBytes($"member-{i:D6}-" + new string('z', 30)), i * 0.25));
        } // about 2 MB of items, in pieces of 256 KB (a listpack has no snapshot view: it goes a piece per hold)
        SortedSetObject zset = SortedSetObject.FromEntries(entries);
        Assert.True(zset.IsListpack);
        int slot = store[0].Add("big"u8.ToArray(), zset, 0);
        var holds = 0;
        await SnapshotWalkTests.Snapshot(store, (db, first, end) =>
        {
            if (first == slot && end == slot + 1)
            {
                holds++;
            }
        }, path =>
        {
            Assert.True(holds >= 7, $"the sorted set was written in {holds} holds of the lock");
            Assert.Equal(holds - 1, CountMoreItemsRecords(path)); // its key record, then a more-items record a hold
            MemoryStore loaded = Load(path, 1);
            Assert.Equal(Items(zset), Items(Value(loaded, "big")));
        });
    }

    [Fact]
    public async Task ALargeListIsCapturedByReferenceAndItsChunksAreCopiedOnWrite()
    {
        var store = new MemoryStore(16, TimeProvider.System);
        ListObject list = NewList(40_000, "e");
        Assert.True(list.IsQuicklist);
        int slot = store[0].Add("big"u8.ToArray(), list, 0);
        List<string> before = Elements(list);
        var holdsOnTheList = 0;
        await SnapshotWalkTests.Snapshot(store, (db, first, end) =>
        {
            Database d = store[db];
            if (slot >= first && slot < end && holdsOnTheList++ == 0)
            {
                // Captured in this hold and encoded after it, without the lock: every kind of write, meanwhile.
                d.Tracker?.BeforeChange(d, slot);
                for (int i = 0; i < 5_000; i++)
                {
                    list.Push(Encoding.ASCII.GetBytes($"new-head-{i}"), head: true);
                    list.Push(Encoding.ASCII.GetBytes($"new-tail-{i}"), head: false);
                }
                list.Replace(20_000, "replaced"u8);
                list.Insert(30_000, "inserted"u8);
                list.RemoveMatching(Encoding.ASCII.GetBytes("e025000-" + new string('l', 40)), 0);
                for (int i = 0; i < 12_000; i++)
                {
                    list.RemoveEnd(head: true); // drains chunks the view holds: they must not be reused
                }
                list.Trim(1_000, 1_000);
                var other = NewList(20_000, "o"); // takes chunks from the pool
                store[0].Add("other"u8.ToArray(), other, 0);
            }
        }, path =>
        {
            Assert.Equal(1, holdsOnTheList); // no piece under the lock
            Assert.True(CountMoreItemsRecords(path) >= 7, "the list is written in pieces");
            MemoryStore loaded = Load(path, 1);
            Assert.Equal(before, Elements((ListObject)Value(loaded, "big")));
        });
    }

    [Fact]
    public async Task ALargeHashAndSetAreCapturedByReferenceAndTheirSlotChunksAreCopiedOnWrite()
    {
        var store = new MemoryStore(16, TimeProvider.System);
        var hash = new HashObject();
        SetObject set = SetObject.CreateFor("m"u8, 40_000);
        var drained = new HashObject();
        for (int i = 0; i < 40_000; i++)
        {
            hash.Set(Encoding.ASCII.GetBytes($"field-{i:D6}"), Encoding.ASCII.GetBytes($"value-{i:D6}-" + new string('h', 30)));
            set.Add(Encoding.ASCII.GetBytes($"member-{i:D6}-" + new string('s', 30)));
            drained.Set(Encoding.ASCII.GetBytes($"d-{i:D6}"), Encoding.ASCII.GetBytes($"dv-{i:D6}-" + new string('d', 30)));
        }
        Database db0 = store[0];
        int hashSlot = db0.Add("hash"u8.ToArray(), hash, 0);
        int setSlot = db0.Add("set"u8.ToArray(), set, 0);
        int drainedSlot = db0.Add("drained"u8.ToArray(), drained, 0);
        List<string> hashBefore = Items(hash);
        List<string> setBefore = Items(set);
        List<string> drainedBefore = Items(drained);
        var holds = new HashSet<int>();
        await SnapshotWalkTests.Snapshot(store, (db, first, end) =>
        {
            Database d = store[db];
            foreach (int slot in new[] { hashSlot, setSlot, drainedSlot })
            {
                if (slot >= first && slot < end && holds.Add(slot))
                {
                    d.Tracker?.BeforeChange(d, slot); // captured in this hold, encoded after it without the lock
                }
            }
            if (holds.Count < 3)
            {
                return;
            }
            holds.Add(-1);
            for (int i = 0; i < 40_000; i += 3)
            {
                // Same length (written in place when no view holds the array), another length, removed, re-added.
                hash.Set(Encoding.ASCII.GetBytes($"field-{i:D6}"), Encoding.ASCII.GetBytes($"VALUE-{i:D6}-" + new string('H', 30)));
                hash.Set(Encoding.ASCII.GetBytes($"field-{i + 1:D6}"), "short"u8);
                hash.Remove(Encoding.ASCII.GetBytes($"field-{i + 2:D6}"));
                set.Remove(Encoding.ASCII.GetBytes($"member-{i:D6}-" + new string('s', 30)));
            }
            for (int i = 0; i < 30_000; i++)
            {
                hash.Set(Encoding.ASCII.GetBytes($"new-{i:D6}"), "n"u8); // into freed slots, then new chunks
                set.Add(Encoding.ASCII.GetBytes($"new-{i:D6}"));
            }
            for (int i = 0; i < 40_000; i++)
            {
                drained.Remove(Encoding.ASCII.GetBytes($"d-{i:D6}")); // empty: its table starts over
            }
            drained.Set("after"u8, "drain"u8);
        }, path =>
        {
            Assert.Contains(-1, holds); // all three were captured before the writes
            Assert.True(CountMoreItemsRecords(path) >= 3 * 7, "the values are written in pieces");
            MemoryStore loaded = Load(path, 3);
            Assert.Equal(hashBefore, Items(Value(loaded, "hash")));
            Assert.Equal(setBefore, Items(Value(loaded, "set")));
            Assert.Equal(drainedBefore, Items(Value(loaded, "drained")));
        });
        Assert.Equal(40_000 - 13_333 + 1 + 30_000, hash.Count); // the live values took every write
        Assert.Equal("VALUE-000000-" + new string('H', 30), Encoding.ASCII.GetString(hash.ValueAt(hash.Find("field-000000"u8))));
        Assert.Equal(40_000 - 13_334 + 30_000, set.Count);
        Assert.Equal(1, drained.Count);
    }

    [Fact]
    public async Task ALargeSortedSetIsCapturedByReferenceAndItsElementChunksAreCopiedOnWrite()
    {
        var store = new MemoryStore(16, TimeProvider.System);
        var entries = new List<SortedSetEntry>();
        var drainedEntries = new List<SortedSetEntry>();
        for (int i = 0; i < 40_000; i++)
        {
            entries.Add(new SortedSetEntry(Encoding.ASCII.GetBytes($"member-{i:D6}-" + new string('z', 30)), i * 0.25));
            drainedEntries.Add(new SortedSetEntry(Encoding.ASCII.GetBytes($"d-{i:D6}-" + new string('d', 30)), -i));
        }
        SortedSetObject zset = SortedSetObject.FromEntries(entries);
        SortedSetObject drained = SortedSetObject.FromEntries(drainedEntries);
        Assert.False(zset.IsListpack);
        Database db0 = store[0];
        int zsetSlot = db0.Add("zset"u8.ToArray(), zset, 0);
        int drainedSlot = db0.Add("drained"u8.ToArray(), drained, 0);
        List<string> zsetBefore = Items(zset);
        List<string> drainedBefore = Items(drained);
        var holds = new HashSet<int>();
        await SnapshotWalkTests.Snapshot(store, (db, first, end) =>
        {
            Database d = store[db];
            foreach (int slot in new[] { zsetSlot, drainedSlot })
            {
                if (slot >= first && slot < end && holds.Add(slot))
                {
                    d.Tracker?.BeforeChange(d, slot); // captured in this hold, encoded after it without the lock
                }
            }
            if (holds.Count < 2 || !holds.Add(-1))
            {
                return; // not both captured yet, or the writes are done
            }
            for (int i = 0; i < 30_000; i += 3)
            {
                // A score moved within its leaf and across the set, a member removed (its id freed).
                zset.Add(i * 0.25 + 0.01, Encoding.ASCII.GetBytes($"member-{i:D6}-" + new string('z', 30)), ZAddFlags.None, out _);
                zset.Add(-i, Encoding.ASCII.GetBytes($"member-{i + 1:D6}-" + new string('z', 30)), ZAddFlags.None, out _);
                zset.Remove(Encoding.ASCII.GetBytes($"member-{i + 2:D6}-" + new string('z', 30)));
            }
            zset.RemoveRankRange(20_000, 24_999); // a run of ids freed at once
            for (int i = 0; i < 30_000; i++)
            {
                zset.Add(1e6 + i, Encoding.ASCII.GetBytes($"new-{i:D6}"), ZAddFlags.None, out _); // freed ids, then new chunks
            }
            drained.RemoveRankRange(0, drained.Length - 1); // empty: its tree starts over
            drained.Add(1, "after"u8.ToArray(), ZAddFlags.None, out _);
        }, path =>
        {
            Assert.Contains(-1, holds); // both were captured before the writes
            Assert.True(CountMoreItemsRecords(path) >= 2 * 7, "the values are written in pieces");
            MemoryStore loaded = Load(path, 2);
            Assert.Equal(zsetBefore, Items(Value(loaded, "zset")));
            Assert.Equal(drainedBefore, Items(Value(loaded, "drained")));
        });
        Assert.Equal(40_000 - 10_000 - 5_000 + 30_000, zset.Length); // the live value took every write
        Assert.True(zset.TryGetScore(Encoding.ASCII.GetBytes("member-000001-" + new string('z', 30)), out double moved));
        Assert.Equal(0, moved);
        Assert.True(zset.TryGetScore("new-029999"u8, out double added));
        Assert.Equal(1e6 + 29_999, added);
        Assert.Equal(1, drained.Length);
    }

    [Fact]
    public async Task LargeValuesChangedBetweenTheirPiecesOrAheadOfTheWalkAreSavedAsTheyWereAtTheStart()
    {
        using var limits = new RaisedListpackLimits(); // the sorted sets stay listpacks: no view, a piece per hold
        var store = new MemoryStore(16, TimeProvider.System);
        Database db0 = store[0];
        var expected = new Dictionary<string, List<string>>();
        var large = new List<string>();
        for (int k = 0; k < 3; k++)
        {
            Add(db0, expected, large, $"list{k}", NewList(ItemCount, $"list{k}-"));
            var hash = new HashObject();
            var set = SetObject.CreateFor("m"u8, ItemCount);
            var entries = new List<SortedSetEntry>();
            for (int i = 0; i < ItemCount; i++)
            {
                hash.Set(Encoding.ASCII.GetBytes($"f{k}-{i:D6}"), Encoding.ASCII.GetBytes($"v-{i}-" + new string('h', 30)));
                set.Add(Encoding.ASCII.GetBytes($"m{k}-{i:D6}-" + new string('s', 30)));
                entries.Add(new SortedSetEntry(Encoding.ASCII.GetBytes($"z{k}-{i:D6}-" + new string('z', 30)), i * 0.5));
            }
            Add(db0, expected, large, $"hash{k}", hash);
            Add(db0, expected, large, $"set{k}", set);
            SortedSetObject zset = SortedSetObject.FromEntries(entries);
            Assert.True(zset.IsListpack);
            Add(db0, expected, large, $"zset{k}", zset);
        }
        for (int i = 0; i < 2000; i++)
        {
            byte[] value = Encoding.ASCII.GetBytes($"string-{i}");
            db0.Add(Encoding.ASCII.GetBytes($"s{i}"), value, 0);
            expected[$"s{i}"] = [$"string-{i}"];
        }
        var piecesSeen = new Dictionary<int, int>();
        var changedAhead = false;
        var changedAfterCapture = new HashSet<string>();
        await SnapshotWalkTests.Snapshot(store, (db, first, end) =>
        {
            Database d = store[db];
            foreach (string key in large.Where(k => !k.StartsWith("zset", StringComparison.Ordinal)))
            {
                // A list, hash or set captured by reference in this hold, changed before the walk encodes it.
                int slot = d.Find(Encoding.ASCII.GetBytes(key), 0);
                if (slot >= first && slot < end && changedAfterCapture.Add(key))
                {
                    Change(d, slot, "after capture");
                }
            }
            if (!changedAhead)
            {
                // The values of one of each type the walk has not reached yet are saved by their write hooks, then changed.
                changedAhead = true;
                foreach (string key in large.Where(k => k.EndsWith('1')))
                {
                    int slot = d.Find(Encoding.ASCII.GetBytes(key), 0);
                    if (slot >= end)
                    {
                        Change(d, slot, "ahead");
                    }
                }
                for (int i = 0; i < 2000; i += 7)
                {
                    int slot = d.Find(Encoding.ASCII.GetBytes($"s{i}"), 0);
                    d.Tracker?.BeforeChange(d, slot);
                    d.RemoveAt(slot);
                }
            }
            string held = KeyAt(d, first);
            if (end != first + 1 || !held.StartsWith("zset", StringComparison.Ordinal))
            {
                return; // not a hold of a value in pieces (lists, hashes and sets are encoded from views, without the lock)
            }
            int seen = piecesSeen[first] = piecesSeen.GetValueOrDefault(first) + 1;
            if (seen == 2)
            {
                Change(d, first, "between pieces"); // the rest of its pieces are written before the change
            }
        }, path =>
        {
            Assert.True(piecesSeen.Count >= 2, $"{piecesSeen.Count} sorted sets were written a piece per hold");
            Assert.True(changedAfterCapture.Count >= 6, "lists, hashes and sets changed after their capture");
            Assert.All(piecesSeen.Values, holds => Assert.Equal(2, holds)); // changed at its second piece: the rest at once
            MemoryStore loaded = Load(path, expected.Count);
            foreach ((string key, List<string> items) in expected)
            {
                Assert.Equal(items, Items(Value(loaded, key)));
            }
        });
    }

    [Fact]
    public void MoreItemsWithoutACollectionsKeyRecordBeforeThemAreRejected()
    {
        var records = new ArrayBufferWriter<byte>();
        SnapshotFormat.WriteStringKey(records, 0, "k"u8, 0, "v"u8);
        SnapshotFormat.WriteMoreItems(records, 1, [1, (byte)'x']);
        SnapshotFormat.WriteEnd(records, 1);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => LoadBytes(records.WrittenSpan));
        Assert.Contains("more items without a collection's key record", e.Message);
        Assert.Contains($"at offset {SnapshotFormat.HeaderBytes + 8 + 7}", e.Message); // after the string's record
    }

    [Fact]
    public void MoreItemsThatDoNotDecodeAsTheCollectionsItemsAreRejected()
    {
        var records = new ArrayBufferWriter<byte>();
        var scratch = new ArrayBufferWriter<byte>();
        ListObject list = NewList(3, "x");
        SnapshotFormat.WriteKey(records, scratch, 0, "list"u8, 0, list);
        SnapshotFormat.WriteMoreItems(records, 2, [1, (byte)'y']); // says two items, holds one
        SnapshotFormat.WriteEnd(records, 1);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => LoadBytes(records.WrittenSpan));
        Assert.Contains("malformed more-items record", e.Message);

        records.ResetWrittenCount();
        SnapshotFormat.WriteKey(records, scratch, 0, "list"u8, 0, list);
        SnapshotFormat.WriteMoreItems(records, 1, [1, (byte)'y']);
        SnapshotFormat.WriteEnd(records, 1);
        MemoryStore loaded = LoadBytes(records.WrittenSpan);
        Assert.Equal([.. Elements(list), "y"], Elements((ListObject)Value(loaded, "list")));
    }

    [Theory]
    [InlineData(3)] // a listpack
    [InlineData(300)] // a tree
    public void ASortedSetMemberGivenTwiceIsRejected(int members)
    {
        var entries = new List<SortedSetEntry>();
        for (int i = 0; i < members; i++)
        {
            entries.Add(new SortedSetEntry(Encoding.ASCII.GetBytes($"m{i}"), i));
        }
        var records = new ArrayBufferWriter<byte>();
        SnapshotFormat.WriteKey(records, new ArrayBufferWriter<byte>(), 0, "z"u8, 0, SortedSetObject.FromEntries(entries));
        byte[] item = new byte[8 + 1 + 2]; // m1 again, at another score: written in any order, so nothing else catches it
        BinaryPrimitives.WriteDoubleLittleEndian(item, 1e9);
        item[8] = 2;
        "m1"u8.CopyTo(item.AsSpan(9));
        SnapshotFormat.WriteMoreItems(records, 1, item);
        SnapshotFormat.WriteEnd(records, 1);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => LoadBytes(records.WrittenSpan));
        Assert.Contains("duplicate sorted set member", e.Message);
    }

    /// <summary>Sorted sets of any size stay listpacks (with no snapshot view) until disposed; the defaults come back.</summary>
    private sealed class RaisedListpackLimits : IDisposable
    {
        private readonly int _entries = SortedSetEncodingLimits.MaxListpackEntries;
        private readonly int _valueBytes = SortedSetEncodingLimits.MaxListpackValueBytes;

        public RaisedListpackLimits()
        {
            SortedSetEncodingLimits.MaxListpackEntries = int.MaxValue;
            SortedSetEncodingLimits.MaxListpackValueBytes = 1024;
        }

        public void Dispose()
        {
            SortedSetEncodingLimits.MaxListpackEntries = _entries;
            SortedSetEncodingLimits.MaxListpackValueBytes = _valueBytes;
        }
    }

    private static void Add(Database db, Dictionary<string, List<string>> expected, List<string> large, string key, DataObject value)
    {
        Assert.True(value.MemoryUsageBytes > 256 * 1024, $"{key} is not larger than a piece");
        db.Add(Encoding.ASCII.GetBytes(key), value, 0);
        expected[key] = Items(value);
        large.Add(key);
    }

    /// <summary>Changes a collection in place as a write command would: the snapshot's hook first.</summary>
    private static void Change(Database db, int slot, string what)
    {
        db.Tracker?.BeforeChange(db, slot);
        byte[] item = Encoding.ASCII.GetBytes("changed " + what);
        switch (db.EntryAt(slot).Value)
        {
            case ListObject list:
                list.Push(item, head: true);
                list.Push(item, head: false);
                break;
            case HashObject hash:
                hash.Set(hash.FieldAt(hash.NextPosition(0)).ToArray(), item);
                hash.Set(item, item);
                break;
            case SetObject set:
                set.Remove(set.MemberAt(set.NextPosition(0), new byte[32]).ToArray());
                set.Add(item);
                break;
            case SortedSetObject zset:
                zset.Add(-1, item, ZAddFlags.None, out _);
                break;
        }
    }

    private static string KeyAt(Database db, int slot) =>
        db.EntryAt(slot).Data is null ? "" : Encoding.ASCII.GetString(db.KeySpanAt(slot));

    /// <summary>A list built as RPUSH builds one (a quicklist past the listpack limits).</summary>
    private static ListObject NewList(int count, string prefix)
    {
        var list = new ListObject();
        for (int i = 0; i < count; i++)
        {
            byte[] element = Encoding.ASCII.GetBytes($"{prefix}{i:D6}-" + new string('l', 40));
            list.PrepareToAdd(element.Length, 1);
            list.Push(element, head: false);
        }
        return list;
    }

    private static List<string> Elements(ListObject list)
    {
        var result = new List<string>(list.Count);
        ListReader reader = list.ReadFrom(0);
        while (reader.TryRead(out ReadOnlySpan<byte> element))
        {
            result.Add(Encoding.ASCII.GetString(element));
        }
        return result;
    }

    /// <summary>A value's items as text, in a canonical order (a hash's pairs and a set's members sorted).</summary>
    private static List<string> Items(object value)
    {
        switch (value)
        {
            case byte[] bytes:
                return [Encoding.ASCII.GetString(bytes)];
            case ListObject list:
                return Elements(list);
            case HashObject hash:
            {
                var pairs = new List<string>();
                for (int p = hash.NextPosition(0); p >= 0; p = hash.NextPosition(p + 1))
                {
                    pairs.Add(Encoding.ASCII.GetString(hash.FieldAt(p)) + "=" + Encoding.ASCII.GetString(hash.ValueAt(p)));
                }
                pairs.Sort(StringComparer.Ordinal);
                return pairs;
            }
            case SetObject set:
            {
                var members = new List<string>();
                foreach (ReadOnlySpan<byte> member in set)
                {
                    members.Add(Encoding.ASCII.GetString(member));
                }
                members.Sort(StringComparer.Ordinal);
                return members;
            }
            case SortedSetObject zset:
            {
                var entries = new List<string>();
                SortedSetObject.Walker walker = zset.Walk(0, reverse: false);
                while (walker.MoveNext())
                {
                    entries.Add(Encoding.ASCII.GetString(walker.Current.Member) + "@" + walker.Current.Score.ToString("R", CultureInfo.InvariantCulture));
                }
                return entries;
            }
            default:
                throw new InvalidOperationException($"unexpected value {value.GetType().Name}");
        }
    }

    private static object Value(MemoryStore store, string key)
    {
        int slot = store[0].Find(Encoding.ASCII.GetBytes(key), 0);
        Assert.True(slot >= 0, $"{key} is missing");
        ref KeyEntry entry = ref store[0].EntryAt(slot);
        return entry.TryGetString(out ReadOnlySpan<byte> text) ? text.ToArray() : entry.Value;
    }

    private static MemoryStore Load(string path, int keys)
    {
        var loaded = new MemoryStore(16, TimeProvider.System);
        Assert.Equal(keys, SnapshotReader.Load(loaded, new PhysicalFileSystem(), path, 0));
        return loaded;
    }

    /// <summary>Loads a snapshot made of a header and <paramref name="records"/>.</summary>
    private static MemoryStore LoadBytes(ReadOnlySpan<byte> records)
    {
        string path = Path.Combine(Path.GetTempPath(), "cairn-large-" + Guid.NewGuid().ToString("N") + ".csnp");
        try
        {
            File.WriteAllBytes(path, [.. SnapshotFormat.CreateHeader(0), .. records]);
            var store = new MemoryStore(16, TimeProvider.System);
            SnapshotReader.Load(store, new PhysicalFileSystem(), path, 0);
            return store;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The more-items records (kind 4) in a snapshot file.</summary>
    internal static int CountMoreItemsRecords(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int count = 0;
        for (int offset = SnapshotFormat.HeaderBytes; offset < file.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));
            count += file[offset + 8] == SnapshotFormat.MoreItemsRecord ? 1 : 0;
            offset += 8 + length;
        }
        return count;
    }
}
