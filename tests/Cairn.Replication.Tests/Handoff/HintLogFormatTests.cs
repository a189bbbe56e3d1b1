using Cairn.Primitives;
using Cairn.Replication.Handoff;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.Handoff;

public sealed class HintLogFormatTests
{
    private static readonly ValueVersion Version = new(HybridTimestamp.Create(1_700_000_000_000, 2), VectorClock.FromEntries([("node-a", 3), ("node-b", 1)]));

    private static HintRecord[] Sample() =>
    [
        new HintRecord(true, "node-b", "user:1"u8.ToArray(), Version, [1, 0, 0, 0, 0, 0, 0, 0, 0, 42], 1_700_000_000_500),
        new HintRecord(true, "node-c", "gone"u8.ToArray(), Version, null, 1_700_000_000_600),
        new HintRecord(false, "node-b", "user:1"u8.ToArray(), Version, null, 0),
    ];

    private static byte[] Encode(IEnumerable<HintRecord> records)
    {
        var bytes = new List<byte>(HintLogFormat.Header());
        foreach (HintRecord record in records)
        {
            bytes.AddRange(HintLogFormat.EncodeRecord(record));
        }
        return [.. bytes];
    }

    private static List<HintRecord> Decode(byte[] data, out HintReadStatus status)
    {
        Assert.True(HintLogFormat.HasHeader(data));
        var records = new List<HintRecord>();
        int offset = HintLogFormat.HeaderBytes;
        while ((status = HintLogFormat.TryReadRecord(data, ref offset, out HintRecord? record)) == HintReadStatus.Ok)
        {
            records.Add(record!);
        }
        return records;
    }

    [Fact]
    public void EncodingMatchesTheGoldenFile()
    {
        byte[] bytes = Encode(Sample());
        if (Environment.GetEnvironmentVariable("CAIRN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(Path.Combine(FindSourceDirectory(), "testdata", "cluster-hints-v1.bin"), bytes);
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "cluster-hints-v1.bin")), bytes);
        Assert.Equal(1u, HintLogFormat.FormatVersion);
    }

    [Fact]
    public void RoundTripsEveryField()
    {
        List<HintRecord> decoded = Decode(Encode(Sample()), out HintReadStatus status);
        Assert.Equal(HintReadStatus.End, status);
        Assert.Equal(3, decoded.Count);
        HintRecord[] sample = Sample();
        for (int i = 0; i < sample.Length; i++)
        {
            Assert.Equal(sample[i].Added, decoded[i].Added);
            Assert.Equal(sample[i].Target, decoded[i].Target);
            Assert.Equal(sample[i].Key, decoded[i].Key);
            Assert.Equal(0, sample[i].Version.CompareNewness(decoded[i].Version));
            Assert.Equal(sample[i].Version.Timestamp, decoded[i].Version.Timestamp);
            Assert.Equal(sample[i].Payload, decoded[i].Payload);
            Assert.Equal(sample[i].CreatedUnixMilliseconds, decoded[i].CreatedUnixMilliseconds);
        }
    }

    [Fact]
    public void ATornTailEndsTheLogAfterTheLastWholeRecord()
    {
        byte[] bytes = Encode(Sample());
        int lastRecord = HintLogFormat.EncodeRecord(Sample()[2]).Length;
        for (int cut = 1; cut < lastRecord; cut++)
        {
            List<HintRecord> decoded = Decode(bytes[..^cut], out HintReadStatus status);
            Assert.Equal(HintReadStatus.Torn, status);
            Assert.Equal(2, decoded.Count);
        }
    }

    [Fact]
    public void AFlippedBitIsCaughtByTheChecksum()
    {
        byte[] bytes = Encode(Sample());
        int firstPayload = HintLogFormat.HeaderBytes + HintLogFormat.FrameHeaderBytes;
        for (int i = firstPayload; i < firstPayload + 20; i++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x10;
            Assert.Empty(Decode(corrupt, out HintReadStatus status));
            Assert.Equal(HintReadStatus.Corrupt, status);
        }
        byte[] otherVersion = (byte[])bytes.Clone();
        otherVersion[8] = 2;
        Assert.False(HintLogFormat.HasHeader(otherVersion));
    }

    [Fact]
    public void TheHintStoreJournalsWhatItStoresAndRemovesSoTheLogCanReplayIt()
    {
        var store = new HintStore(1 << 20, 100) { Journaling = true };
        store.Add(new Hint("b", "k"u8.ToArray(), Version, "1"u8.ToArray(), 0));
        store.Add(new Hint("b", "j"u8.ToArray(), Version, "2"u8.ToArray(), 0));
        store.Remove("b", "k"u8.ToArray(), Version);
        store.Expire(500);
        IReadOnlyList<HintChange> journal = store.TakeJournal();
        Assert.Equal(["+k", "+j", "-k", "-j"], journal.Select(c => (c.Added ? "+" : "-") + System.Text.Encoding.UTF8.GetString(c.Hint.Key)));
        Assert.Empty(store.TakeJournal());

        // Replaying the journal into a new store gives the same hints.
        var replayed = new HintStore(1 << 20, 100);
        store.Add(new Hint("c", "x"u8.ToArray(), Version, null, 0));
        foreach (HintChange change in journal.Concat(store.TakeJournal()))
        {
            if (change.Added)
            {
                replayed.Add(change.Hint);
            }
            else
            {
                replayed.Remove(change.Hint.Target, change.Hint.Key, change.Hint.Version);
            }
        }
        Assert.Equal("x"u8.ToArray(), Assert.Single(replayed.All).Key);
    }

    private static string FindSourceDirectory()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Cairn.Replication.Tests.csproj")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("source directory not found");
    }
}
