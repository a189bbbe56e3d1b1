using System.Text;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives.FileSystem;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Persistence;

public sealed class AofTests
{
    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "cairn-aof-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    [InlineData("no")]
    public async Task WritesSurviveARestart(string fsync)
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = fsync; }, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal("+OK", client.Execute("SET", "a", "1"));
                Assert.Equal(":2", client.Execute("INCR", "a"));
                Assert.Equal("+OK", client.Execute("SET", "gone", "x"));
                Assert.Equal(":1", client.Execute("DEL", "gone"));
                Assert.Equal("+OK", client.Execute("SELECT", "3"));
                Assert.Equal("+OK", client.Execute("SET", "in-db3", "v"));
                Assert.Equal("+OK", client.Execute("MULTI"));
                client.Execute("SET", "t1", "x");
                client.Execute("SET", "t2", "y");
                Assert.Equal("[+OK, +OK]", client.Execute("EXEC"));
            }
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal("2", client.Execute("GET", "a"));
                Assert.Equal("(nil)", client.Execute("GET", "gone"));
                client.Execute("SELECT", "3");
                Assert.Equal("v", client.Execute("GET", "in-db3"));
                Assert.Equal("y", client.Execute("GET", "t2"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// A pipelined batch's writes are logged as frame runs (docs/formats/aof.md), broken by reads, failed writes,
    /// translated commands, SELECT, transactions, inline and long requests, and the pop of a blocked client the batch
    /// served: everything replays in execution order.
    /// </summary>
    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    public async Task PipelinedWritesReplayInExecutionOrder(string fsync)
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = fsync; }, dir))
            {
                using RawClient blocked = server.Raw();
                blocked.SendCommand("BLPOP", "q", "0");
                using RawClient client = server.Raw();
                for (int i = 0; i < 500 && !client.Execute("INFO", "clients").Contains("blocked_clients:1", StringComparison.Ordinal); i++)
                {
                    await Task.Delay(10);
                }
                string[][] batch =
                [
                    ["SET", "a", "1"], ["INCR", "a"], ["GET", "a"], ["LPUSH", "l", "x", "y"], ["INCR", "l"],
                    ["RPUSH", "l", "z"], ["SELECT", "2"], ["SET", "b", "2"], ["EXPIRE", "b", "1000"], ["HSET", "h", "f", "v"],
                    ["MULTI"], ["SET", "t", "1"], ["INCR", "t"], ["EXEC"], ["SELECT", "0"], ["LPUSH", "q", "1", "2"],
                    ["SET", "after", "1"], ["MSET", "m1", "1", "m2", "2", "m3", "3", "m4", "4"], ["APPEND", "a", "0"],
                ];
                string pipeline = string.Concat(batch.Take(17).Select(c => RawClient.Encode(c))) + "SET inline v\r\n"
                    + string.Concat(batch.Skip(17).Select(c => RawClient.Encode(c)));
                client.Send(Encoding.UTF8.GetBytes(pipeline));
                var replies = Enumerable.Range(0, batch.Length + 1).Select(_ => client.ReadReply()).ToList();
                Assert.Equal(["+OK", ":2", "2", ":2", "-WRONGTYPE Operation against a key holding the wrong kind of value", ":3",
                    "+OK", "+OK", ":1", ":1", "+OK", "+QUEUED", "+QUEUED", "[+OK, :2]", "+OK", ":2", "+OK", "+OK", "+OK", ":2"], replies);
                Assert.Equal("[q, 2]", blocked.ReadReply());
            }
            byte[] log = File.ReadAllBytes(LastAofFile(dir));
            Assert.True(log.AsSpan().IndexOf(Encoding.UTF8.GetBytes(RawClient.Encode("SET", "a", "1") + RawClient.Encode("INCR", "a"))) >= 0,
                "the first two writes are one frame run");
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal("20", client.Execute("GET", "a"));
                Assert.Equal("[y, x, z]", client.Execute("LRANGE", "l", "0", "-1"));
                Assert.Equal("[1]", client.Execute("LRANGE", "q", "0", "-1")); // LPUSH, then the served BLPOP's pop
                Assert.Equal("1", client.Execute("GET", "after"));
                Assert.Equal("v", client.Execute("GET", "inline"));
                Assert.Equal("[1, 2, 3, 4]", client.Execute("MGET", "m1", "m2", "m3", "m4"));
                Assert.Equal("+OK", client.Execute("SELECT", "2"));
                Assert.Equal("2", client.Execute("GET", "b"));
                Assert.True(long.Parse(client.Execute("TTL", "b")[1..], System.Globalization.CultureInfo.InvariantCulture) > 900);
                Assert.Equal("v", client.Execute("HGET", "h", "f"));
                Assert.Equal("2", client.Execute("GET", "t"));
                Assert.Equal(":0", client.Execute("EXISTS", "a"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RelativeExpiryIsLoggedAsAnAbsoluteTime()
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient client = server.Raw();
                client.Execute("SET", "short", "v", "PX", "300");
                client.Execute("SET", "long", "v", "EX", "1000");
                client.Execute("SET", "e", "v");
                client.Execute("EXPIRE", "e", "1000");
            }
            await Task.Delay(500);
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal("(nil)", client.Execute("GET", "short"));
                Assert.Equal("v", client.Execute("GET", "long"));
                string ttl = client.Execute("TTL", "e");
                Assert.InRange(int.Parse(ttl[1..], System.Globalization.CultureInfo.InvariantCulture), 990, 1000);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ATornLastRecordIsTruncatedAndEverythingBeforeItLoads(bool followedByAnEmptyIncrementalFile)
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = "always"; }, dir))
            {
                using RawClient client = server.Raw();
                for (int i = 0; i < 10; i++)
                {
                    client.Execute("SET", $"k{i}", $"v{i}");
                }
            }
            if (followedByAnEmptyIncrementalFile)
            {
                // A restart lists a new incremental file holding only its header: the shape a crash leaves between a
                // rewrite listing its new file and records switching to it. The torn file is still the log's end.
                await using (new TestServer(c => c.AppendOnly = true, dir))
                {
                }
                Assert.Contains("appendonly.aof.2.incr.caof", File.ReadAllText(Path.Combine(dir, "appendonlydir", AofManifest.FileName)), StringComparison.Ordinal);
            }
            string file = LastAofFile(dir);
            Assert.EndsWith("appendonly.aof.1.incr.caof", file, StringComparison.Ordinal);
            long length = new FileInfo(file).Length;
            using (var stream = new FileStream(file, FileMode.Open))
            {
                stream.SetLength(length - 3); // a crash in the middle of the last record
            }
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal("v8", client.Execute("GET", "k8"));
                Assert.Equal("(nil)", client.Execute("GET", "k9"));
            }
            Assert.Equal(AofReadStatus.Clean, AofReader.Read(new PhysicalFileSystem(), file, null).Status);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ABitFlipInTheMiddleStopsStartUpNamingFileAndOffset()
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = "always"; }, dir))
            {
                using RawClient client = server.Raw();
                for (int i = 0; i < 10; i++)
                {
                    client.Execute("SET", $"k{i}", $"value-{i}");
                }
            }
            string file = LastAofFile(dir);
            byte[] bytes = File.ReadAllBytes(file);
            bytes[AofFormat.HeaderBytes + 12] ^= 0x10; // inside the first record's payload
            File.WriteAllBytes(file, bytes);
            var error = Assert.Throws<InvalidDataException>(() => new TestServer(c => c.AppendOnly = true, dir));
            Assert.Contains(Path.GetFileName(file), error.Message, StringComparison.Ordinal);
            Assert.Contains($"offset {AofFormat.HeaderBytes}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task UnsyncedDataDroppedByACrashLosesNoAcknowledgedWriteUnderAlways()
    {
        var memory = new MemoryFileSystem();
        var faulty = new FaultInjectingFileSystem(memory, new Cairn.Primitives.SeededRandom(7));
        string dir = "/data";
        await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = "always"; c.Dir = dir; }, NewDirectory(), faulty))
        {
            using RawClient client = server.Raw();
            for (int i = 0; i < 50; i++)
            {
                Assert.Equal("+OK", client.Execute("SET", $"k{i}", $"v{i}"));
            }
            faulty.Crash(CrashMode.DropUnsynced); // drops every byte not yet fsynced
        }
        await using (var server = new TestServer(c => { c.AppendOnly = true; c.Dir = dir; }, NewDirectory(), memory))
        {
            using RawClient client = server.Raw();
            for (int i = 0; i < 50; i++)
            {
                Assert.Equal($"v{i}", client.Execute("GET", $"k{i}"));
            }
        }
    }

    [Fact]
    public async Task RewriteMakesASnapshotBaseAndKeepsWritesMadeDuringIt()
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = "everysec"; }, dir))
            {
                using RawClient client = server.Raw();
                for (int i = 0; i < 2000; i++)
                {
                    client.Execute("INCR", $"n{i % 100}");
                }
                Assert.Equal("+Background append only file rewriting started", client.Execute("BGREWRITEAOF"));
                for (int i = 0; i < 500; i++)
                {
                    client.Execute("INCR", $"n{i % 100}"); // during the rewrite: must land once, in the new incremental file
                }
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (server.Aof!.RewriteInProgress && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20);
                }
                Assert.Contains("aof_last_bgrewrite_status:ok", client.Execute("INFO", "persistence"), StringComparison.Ordinal);
            }
            string[] files = Directory.GetFiles(Path.Combine(dir, "appendonlydir")).Select(Path.GetFileName).ToArray()!;
            Assert.Contains(files, f => f!.EndsWith(".base.csnp", StringComparison.Ordinal));
            Assert.DoesNotContain(files, f => f == "appendonly.aof.1.incr.caof");
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient client = server.Raw();
                for (int i = 0; i < 100; i++)
                {
                    Assert.Equal("25", client.Execute("GET", $"n{i}"));
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(21UL)]
    [InlineData(22UL)]
    public async Task ACrashThatTearsUnsyncedBytesLosesNoAcknowledgedWriteUnderAlways(ulong seed)
    {
        var memory = new MemoryFileSystem();
        var faulty = new FaultInjectingFileSystem(memory, new Cairn.Primitives.SeededRandom(seed));
        string dir = "/data";
        int acknowledged = 0;
        await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = "always"; c.Dir = dir; }, NewDirectory(), faulty))
        {
            using RawClient client = server.Raw();
            // Pipelined writers keep unsynced bytes in flight when the crash hits.
            using RawClient other = server.Raw();
            for (int i = 0; i < 200; i++)
            {
                other.SendCommand("SET", $"unacked{i}", "x");
            }
            for (int i = 0; i < 100; i++)
            {
                Assert.Equal("+OK", client.Execute("SET", $"k{i}", $"v{i}"));
                acknowledged++;
            }
            faulty.Crash(CrashMode.TearUnsynced);
        }
        await using (var server = new TestServer(c => { c.AppendOnly = true; c.Dir = dir; }, NewDirectory(), memory))
        {
            using RawClient client = server.Raw();
            for (int i = 0; i < acknowledged; i++)
            {
                Assert.Equal($"v{i}", client.Execute("GET", $"k{i}"));
            }
        }
    }

    [Fact]
    public async Task EverysecLosesAtMostAboutOneSecondOfWritesInACrash()
    {
        var memory = new MemoryFileSystem();
        var faulty = new FaultInjectingFileSystem(memory, new Cairn.Primitives.SeededRandom(3));
        string dir = "/data";
        var written = new List<(int Index, DateTime At)>();
        DateTime crashAt;
        await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = "everysec"; c.Dir = dir; }, NewDirectory(), faulty))
        {
            using RawClient client = server.Raw();
            var until = DateTime.UtcNow.AddSeconds(3);
            for (int i = 0; DateTime.UtcNow < until; i++)
            {
                client.Execute("SET", $"k{i}", "v");
                written.Add((i, DateTime.UtcNow));
                await Task.Delay(2);
            }
            crashAt = DateTime.UtcNow;
            faulty.Crash(CrashMode.DropUnsynced); // loses everything not fsynced: the OS page cache dies with the machine
        }
        await using (var server = new TestServer(c => { c.AppendOnly = true; c.Dir = dir; }, NewDirectory(), memory))
        {
            using RawClient client = server.Raw();
            foreach ((int index, DateTime at) in written)
            {
                if (crashAt - at > TimeSpan.FromSeconds(2))
                {
                    Assert.True(client.Execute("EXISTS", $"k{index}") == ":1", $"k{index}, written {(crashAt - at).TotalSeconds:F2}s before the crash, was lost");
                }
            }
        }
    }

    private static string LastAofFile(string dir) =>
        Directory.GetFiles(Path.Combine(dir, "appendonlydir"), "*.incr.caof").OrderBy(f => f, StringComparer.Ordinal)
            .Last(f => new FileInfo(f).Length > AofFormat.HeaderBytes);
}
