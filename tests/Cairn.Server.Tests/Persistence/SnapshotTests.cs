using System.Buffers;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives.FileSystem;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Persistence;

public sealed class SnapshotTests
{
    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "cairn-snap-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task SaveThenRestartRestoresKeysAndExpiry()
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => c.Save = "", dir))
            {
                using RawClient client = server.Raw();
                client.Execute("SET", "plain", "v");
                client.Execute("SET", "ttl", "v", "EX", "1000");
                client.Execute("SET", "short", "v", "PX", "100");
                client.Execute("SELECT", "5");
                client.Execute("SET", "db5", "x");
                Assert.Equal("+OK", client.Execute("SAVE"));
                Assert.NotEqual(":0", client.Execute("LASTSAVE"));
            }
            await Task.Delay(200);
            await using (var server = new TestServer(c => c.Save = "", dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal("v", client.Execute("GET", "plain"));
                Assert.InRange(int.Parse(client.Execute("TTL", "ttl")[1..], System.Globalization.CultureInfo.InvariantCulture), 990, 1000);
                Assert.Equal("(nil)", client.Execute("GET", "short"));
                client.Execute("SELECT", "5");
                Assert.Equal("x", client.Execute("GET", "db5"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task BackgroundSnapshotIsOnePointInTimeUnderConcurrentWrites()
    {
        await using var server = new TestServer(c => c.Save = "");
        const int Keys = 30_000;
        using (server.Context.Store.Lock.EnterScope())
        {
            for (int i = 0; i < Keys; i++)
            {
                server.Context.Store[0].Set(System.Text.Encoding.ASCII.GetBytes($"k{i}"), "before"u8.ToArray(), 0, false, 0);
            }
        }
        using RawClient client = server.Raw();
        using RawClient writer = server.Raw();
        Assert.Equal("+Background saving started", client.Execute("BGSAVE"));
        // While the walk runs: overwrite, append to, delete and create keys all over the table.
        for (int i = Keys - 1; i >= 0; i -= 7)
        {
            writer.Execute("SET", $"k{i}", "after");
            writer.Execute("APPEND", $"k{i - 1}", "-more");
            writer.Execute("DEL", $"k{i - 2}");
            writer.Execute("SET", $"new{i}", "x");
        }
        writer.Execute("FLUSHDB");
        Task running = server.Context.Snapshots.Running ?? Task.CompletedTask;
        await running.WaitAsync(TimeSpan.FromSeconds(60));
        var store = new MemoryStore(16, TimeProvider.System);
        long loaded = SnapshotReader.Load(store, new PhysicalFileSystem(), server.Context.Snapshots.Path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(Keys, loaded);
        for (int i = 0; i < Keys; i++)
        {
            object? value = store[0].Get(System.Text.Encoding.ASCII.GetBytes($"k{i}"), 0);
            Assert.True(value is byte[] bytes && bytes.AsSpan().SequenceEqual("before"u8), $"k{i} is not as it was when the snapshot began");
        }
    }

    [Fact]
    public async Task ACorruptSnapshotStopsStartUpNamingFileAndOffset()
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => c.Save = "", dir))
            {
                using RawClient client = server.Raw();
                for (int i = 0; i < 20; i++)
                {
                    client.Execute("SET", $"k{i}", $"value{i}");
                }
                client.Execute("SAVE");
            }
            string file = Path.Combine(dir, "dump.rdb");
            byte[] bytes = File.ReadAllBytes(file);
            bytes[SnapshotFormat.HeaderBytes + 20] ^= 0x01;
            File.WriteAllBytes(file, bytes);
            var error = Assert.Throws<InvalidDataException>(() => new TestServer(c => c.Save = "", dir));
            Assert.Contains("dump.rdb", error.Message, StringComparison.Ordinal);
            Assert.Contains($"offset {SnapshotFormat.HeaderBytes}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SnapshotEncodingMatchesTheGoldenFile()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        output.Write(SnapshotFormat.CreateHeader(1_700_000_000_000));
        var scratch = new System.Buffers.ArrayBufferWriter<byte>();
        SnapshotFormat.WriteKey(output, scratch, 0, "key"u8.ToArray(), 0, "value"u8.ToArray());
        SnapshotFormat.WriteKey(output, scratch, 2, "ttl"u8.ToArray(), 1_800_000_000_000, "v"u8.ToArray());
        SnapshotFormat.WriteEnd(output, 2);
        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Persistence", "Golden", "snapshot-v1.hex")).Trim();
        Assert.Equal(expected, Convert.ToHexString(output.WrittenSpan).ToLowerInvariant());
        Assert.Equal(1, SnapshotFormat.Version);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(24)]
    [InlineData(4096 - 11)] // the end record alone would leave a gap too small for a padding record
    [InlineData(4096 - 24)] // exactly one minimal padding record fits
    [InlineData(4096 - 10)] // the end record ends exactly on the boundary: no padding
    [InlineData(123_456_789)]
    public void TheEndRecordIsPaddedToTheBlockAndThePaddingIsSkipped(long offset)
    {
        var output = new ArrayBufferWriter<byte>();
        SnapshotFormat.WriteEndAligned(output, offset, 300, 4096); // a 2-byte varint: the end record is 11 bytes
        Assert.Equal(0, (offset + output.WrittenCount) % 4096);
        Assert.InRange(output.WrittenCount, 11, 12 + 4096 + 11);

        // A whole file with that tail loads: header, one key, padding, end.
        var file = new ArrayBufferWriter<byte>();
        file.Write(SnapshotFormat.CreateHeader(1_700_000_000_000));
        SnapshotFormat.WriteKey(file, new ArrayBufferWriter<byte>(), 0, "key"u8.ToArray(), 0, "value"u8.ToArray());
        SnapshotFormat.WriteEndAligned(file, 0, 1, 4096);
        Assert.Equal(0, file.WrittenCount % 4096);
        var fs = new MemoryFileSystem();
        using (IWritableFile w = fs.CreateWritable("/s"))
        {
            w.Append(file.WrittenSpan);
        }
        var store = new MemoryStore(16, TimeProvider.System);
        Assert.Equal(1, SnapshotReader.Load(store, fs, "/s", 0));
    }

    [Fact]
    public void ThePaddingRecordIsAnAuxiliaryRecordNamedPad()
    {
        var output = new ArrayBufferWriter<byte>();
        SnapshotFormat.WriteEndAligned(output, 4096 - 11 - 13 - 2, 300, 4096);
        // a 15-byte record: [payload length 7][crc][3][3]"pad"[0 0] then the end record [len 3][crc][2][0xac 0x02]
        Assert.Equal("07000000", Convert.ToHexString(output.WrittenSpan[..4]).ToLowerInvariant());
        Assert.Equal("0303706164" + "0000", Convert.ToHexString(output.WrittenSpan[8..15]).ToLowerInvariant());
        Assert.Equal("03000000", Convert.ToHexString(output.WrittenSpan[15..19]).ToLowerInvariant());
        Assert.Equal("02ac02", Convert.ToHexString(output.WrittenSpan[23..]).ToLowerInvariant());
    }

    [Fact]
    public async Task ASavedSnapshotEndsOnABlockBoundaryAndLoads()
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => c.Save = "", dir))
            {
                using RawClient client = server.Raw();
                for (int i = 0; i < 1000; i++)
                {
                    client.Execute("SET", $"k{i}", new string('v', i % 300));
                }
                client.Execute("RPUSH", "list", "a", "b");
                Assert.Equal("+OK", client.Execute("SAVE"));
            }
            Assert.Equal(0, new FileInfo(Path.Combine(dir, "dump.rdb")).Length % 4096);
            await using (var server = new TestServer(c => c.Save = "", dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal(":1001", client.Execute("DBSIZE"));
                Assert.Equal(new string('v', 299), client.Execute("GET", "k299"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
