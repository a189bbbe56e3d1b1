using System.Buffers.Binary;
using System.Text;
using Cairn.Engine.Memory.Persistence.Rdb;
using Cairn.Server.Tests.Infrastructure;
using static Cairn.Server.Tests.Rdb.RdbBytes;

namespace Cairn.Server.Tests.Rdb;

/// <summary>Hand-built dump.rdb files loaded at start-up: opcodes, expiries, databases, and damage named by offset.</summary>
public sealed class RdbFileLoaderTests
{
    private static byte[] File(string version, params byte[][] records)
    {
        byte[] body = Concat([.. Encoding.ASCII.GetBytes("REDIS" + version)], Concat(records), [RdbOpcode.Eof]);
        byte[] crc = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(crc, Crc64.Compute(body));
        return Concat(body, crc);
    }

    private static byte[] Aux(string name, string value) => Concat([RdbOpcode.Aux], Str(name), Str(value));

    private static byte[] Select(int db) => Concat([RdbOpcode.SelectDb], Length((ulong)db));

    private static byte[] StringKey(string key, string value) => Concat([0], Str(key), Str(value));

    private static byte[] ExpireMs(long at)
    {
        byte[] b = new byte[9];
        b[0] = RdbOpcode.ExpireTimeMilliseconds;
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(1), at);
        return b;
    }

    private static string WriteToNewDirectory(byte[] file)
    {
        string directory = Path.Combine(Path.GetTempPath(), "cairn-rdbload-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        System.IO.File.WriteAllBytes(Path.Combine(directory, "dump.rdb"), file);
        return directory;
    }

    private static InvalidDataException LoadFails(byte[] file)
    {
        string directory = WriteToNewDirectory(file);
        try
        {
            return Assert.Throws<InvalidDataException>(() => new TestServer(dataDirectory: directory).Dispose());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AFileWithAuxFieldsDatabasesAndExpiriesLoads()
    {
        long future = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 100_000;
        byte[] file = File("0010",
            Aux("redis-ver", "7.0.15"), Aux("redis-bits", "64"),
            Select(0), [RdbOpcode.ResizeDb, 2, 1],
            StringKey("plain", "v"),
            ExpireMs(future), StringKey("volatile", "w"),
            ExpireMs(1000), StringKey("expired", "x"),
            Select(3), [RdbOpcode.Idle, 10], StringKey("idle", "10"), [RdbOpcode.Frequency, 3], StringKey("freq", "3"),
            [RdbOpcode.ExpireTimeSeconds, .. BitConverter.GetBytes((int)(future / 1000))], StringKey("seconds", "s"));
        string directory = WriteToNewDirectory(file);
        try
        {
            using var server = new TestServer(dataDirectory: directory);
            using RawClient client = server.Raw();
            Assert.Equal("v", client.Execute("GET", "plain"));
            Assert.InRange(long.Parse(client.Execute("PTTL", "volatile")[1..]), 90_000, 100_000);
            Assert.Equal(":0", client.Execute("EXISTS", "expired"));
            Assert.Equal("+OK", client.Execute("SELECT", "3"));
            Assert.Equal("10", client.Execute("GET", "idle"));
            Assert.Equal("3", client.Execute("GET", "freq"));
            Assert.InRange(long.Parse(client.Execute("PTTL", "seconds")[1..]), 90_000, 100_000);
            Assert.Equal(":3", client.Execute("DBSIZE"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void OlderRdbVersionsLoad()
    {
        string directory = WriteToNewDirectory(File("0006", Select(0), StringKey("k", "old")));
        try
        {
            using var server = new TestServer(dataDirectory: directory);
            using RawClient client = server.Raw();
            Assert.Equal("old", client.Execute("GET", "k"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AChecksumMismatchNamesTheFileAndOffset()
    {
        byte[] file = File("0010", Select(0), StringKey("k", "value"));
        file[^12] ^= 0x01; // inside the value
        InvalidDataException e = LoadFails(file);
        Assert.Contains("dump.rdb at offset", e.Message, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruncatedFileNamesTheOffsetWhereDataRanOut()
    {
        byte[] file = File("0010", Select(0), StringKey("k", "value"));
        // "REDIS0010", SELECTDB 0, type 0, key "k", then the value's length byte at 14: its 5 bytes from 15 run out.
        InvalidDataException e = LoadFails(file[..^12]);
        Assert.EndsWith("dump.rdb at offset 15: a field of 5 bytes runs past the end of the data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModuleDataDamagedStreamsAndNewerVersionsAreRefusedClearly()
    {
        Assert.Contains("module auxiliary data", LoadFails(File("0010", [RdbOpcode.ModuleAux, 0])).Message, StringComparison.Ordinal);
        // A stream cut after its node count: the next byte (EOF's 0xFF) is no length.
        Assert.EndsWith("dump.rdb at offset 13: an encoded value where a length was expected",
            LoadFails(File("0010", Concat([RdbType.StreamListpacks2], Str("s"), Length(0)))).Message, StringComparison.Ordinal);
        Assert.Contains("unsupported RDB version 12", LoadFails(File("0012")).Message, StringComparison.Ordinal);
        Assert.Contains("database 99 out of range", LoadFails(File("0010", Select(99))).Message, StringComparison.Ordinal);
        Assert.Contains("duplicate key", LoadFails(File("0010", StringKey("k", "a"), StringKey("k", "b"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamsWrittenByRedis70LoadWithTheirGroups()
    {
        static byte[] StreamKey(string key, string golden)
        {
            byte[] payload = Convert.FromHexString(golden);
            return Concat([payload[0]], Str(key), payload[1..^10]);
        }
        byte[] file = File("0010", Select(0),
            StreamKey("small", StreamGoldenPayloads.SmallStream), StreamKey("big", StreamGoldenPayloads.SeveralListpacks),
            StreamKey("groups", StreamGoldenPayloads.GroupsAndPending), StreamKey("empty", StreamGoldenPayloads.EmptyWithGroup));
        string directory = WriteToNewDirectory(file);
        try
        {
            using var server = new TestServer(dataDirectory: directory);
            using RawClient client = server.Raw();
            Assert.Equal(":1", client.Execute("XLEN", "small"));
            Assert.Equal(":180", client.Execute("XLEN", "big"));
            Assert.Equal(":9", client.Execute("XLEN", "groups"));
            Assert.Equal(":0", client.Execute("XLEN", "empty"));
            Assert.Equal(":4", client.Execute("DBSIZE"));
            Assert.StartsWith("[:4, 1-0, 5-0,", client.Execute("XPENDING", "groups", "g1"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ADamagedStreamInAFileNamesTheOffset()
    {
        byte[] payload = Convert.FromHexString(StreamGoldenPayloads.SmallStream);
        byte[] body = payload[1..^10];
        body[^1] = 5; // the group count (the body's last byte): the first group's name would be EOF's 0xFF, no string
        // "REDIS0010" (9), SELECTDB 0 (2), type (1), key "s" (2): the body starts at 14; its group count is its last byte.
        InvalidDataException e = LoadFails(File("0010", Select(0), Concat([payload[0]], Str("s"), body)));
        Assert.Contains($"dump.rdb at offset {14 + body.Length}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CairnsOwnSnapshotStillLoadsBesideRedisFiles()
    {
        string directory = Path.Combine(Path.GetTempPath(), "cairn-rdbown-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            using (var first = new TestServer(dataDirectory: directory))
            {
                using RawClient client = first.Raw();
                client.Execute("SET", "mine", "cairn");
                Assert.Equal("+OK", client.Execute("SAVE"));
            }
            using var second = new TestServer(dataDirectory: directory);
            using RawClient again = second.Raw();
            Assert.Equal("cairn", again.Execute("GET", "mine"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
