using System.Diagnostics;
using System.Globalization;
using Cairn.Primitives;
using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Cairn.Server.Tests.Lsm;

/// <summary>
/// The issue's node test: a real storage-lsm process with a maxmemory several times smaller than the data, loaded through
/// a real client, restarted, and every key read back. Sized for the normal test run (256 MB into 16 MB); the full run
/// (1 GB into 64 MB) is bench/lsm-node.sh, which sets CAIRN_LSM_NODE_MB and CAIRN_LSM_NODE_MAXMEMORY.
/// </summary>
public sealed class LsmNodeLoadTests(ITestOutputHelper output)
{
    private const int ValueBytes = 4096;

    [Fact]
    [Trait("Category", "Heavy")]
    public async Task ADataSetSeveralTimesMaxMemoryLoadsRestartsAndReadsBackEveryKey()
    {
        long megabytes = long.Parse(Environment.GetEnvironmentVariable("CAIRN_LSM_NODE_MB") ?? "256", CultureInfo.InvariantCulture);
        string maxMemory = Environment.GetEnvironmentVariable("CAIRN_LSM_NODE_MAXMEMORY") ?? "16mb";
        int keys = (int)(megabytes * 1024 * 1024 / ValueBytes);
        string dir = Environment.GetEnvironmentVariable("CAIRN_LSM_NODE_DIR") is { Length: > 0 } given
            ? Path.Combine(given, "lsm-node-" + Guid.NewGuid().ToString("N"))
            : Path.Combine(Path.GetTempPath(), "cairn-lsm-node-" + Guid.NewGuid().ToString("N"));
        try
        {
            double loadSeconds;
            string memoryAfterLoad;
            using (var node = new NodeProcess(dir, "--storage", "lsm", "--maxmemory", maxMemory))
            using (ConnectionMultiplexer client = Connect(node.Port))
            {
                IDatabase db = client.GetDatabase();
                var watch = Stopwatch.StartNew();
                const int window = 256;
                var inFlight = new List<Task>(window);
                for (int i = 0; i < keys; i++)
                {
                    inFlight.Add(db.StringSetAsync(Key(i), Value(i)));
                    if (inFlight.Count == window)
                    {
                        await Task.WhenAll(inFlight);
                        inFlight.Clear();
                    }
                }
                await Task.WhenAll(inFlight);
                loadSeconds = watch.Elapsed.TotalSeconds;
                memoryAfterLoad = Summary(client, node.Port);
                Assert.Equal(keys, (long)db.Execute("DBSIZE"));
                try
                {
                    db.Execute("SHUTDOWN");
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // The connection closes as the node stops: SHUTDOWN has no reply.
                }
                Assert.True(node.WaitForExit(TimeSpan.FromSeconds(60)), "the node did not stop after SHUTDOWN");
            }
            double readSeconds;
            double restartSeconds;
            string memoryAfterRead;
            var startWatch = Stopwatch.StartNew();
            using (var node = new NodeProcess(dir, "--storage", "lsm", "--maxmemory", maxMemory))
            using (ConnectionMultiplexer client = Connect(node.Port))
            {
                restartSeconds = startWatch.Elapsed.TotalSeconds;
                IDatabase db = client.GetDatabase();
                Assert.Equal(keys, (long)db.Execute("DBSIZE"));
                var watch = Stopwatch.StartNew();
                const int window = 256;
                var inFlight = new List<(int Index, Task<RedisValue> Read)>(window);
                int mismatches = 0;
                for (int i = 0; i < keys; i++)
                {
                    inFlight.Add((i, db.StringGetAsync(Key(i))));
                    if (inFlight.Count == window || i == keys - 1)
                    {
                        foreach ((int index, Task<RedisValue> read) in inFlight)
                        {
                            byte[]? value = await read;
                            if (value is null || !value.AsSpan().SequenceEqual(Value(index)))
                            {
                                mismatches++;
                            }
                        }
                        inFlight.Clear();
                    }
                }
                readSeconds = watch.Elapsed.TotalSeconds;
                memoryAfterRead = Summary(client, node.Port);
                Assert.Equal(0, mismatches);
            }
            string report = string.Create(CultureInfo.InvariantCulture,
                $"lsm node: {keys} keys x {ValueBytes} B = {megabytes} MB, maxmemory {maxMemory}\n" +
                $"load: {loadSeconds:F1} s, {keys / loadSeconds:F0} keys/s, {megabytes / loadSeconds:F1} MB/s; after load {memoryAfterLoad}\n" +
                $"restart (process start to connected): {restartSeconds:F1} s\n" +
                $"read back: {readSeconds:F1} s, {keys / readSeconds:F0} keys/s, {megabytes / readSeconds:F1} MB/s; after read {memoryAfterRead}\n" +
                $"on disk: {DirectoryBytes(dir) / (1024 * 1024)} MB");
            output.WriteLine(report);
            if (Environment.GetEnvironmentVariable("CAIRN_LSM_NODE_REPORT") is { Length: > 0 } reportPath)
            {
                File.WriteAllText(reportPath, report + "\n");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static ConnectionMultiplexer Connect(int port) => ConnectionMultiplexer.Connect(new ConfigurationOptions
    {
        EndPoints = { $"127.0.0.1:{port}" },
        AllowAdmin = true,
        AbortOnConnectFail = true,
        ConnectTimeout = 10000,
        SyncTimeout = 60000,
        AsyncTimeout = 60000,
        Protocol = RedisProtocol.Resp2,
    });

    private static string Key(int i) => "key:" + i.ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>Pseudo-random (incompressible) bytes, the same for a key on every call.</summary>
    private static byte[] Value(int i)
    {
        var random = new SeededRandom((ulong)i * 0x9E3779B97F4A7C15UL + 1);
        var value = new byte[ValueBytes];
        for (int p = 0; p < value.Length; p += 8)
        {
            BitConverter.TryWriteBytes(value.AsSpan(p), random.NextUInt64());
        }
        return value;
    }

    private static string Summary(ConnectionMultiplexer client, int port)
    {
        string memory = client.GetServer($"127.0.0.1:{port}").InfoRaw("memory") ?? "";
        string persistence = client.GetServer($"127.0.0.1:{port}").InfoRaw("persistence") ?? "";
        string Field(string text, string name)
        {
            foreach (string line in text.Split("\r\n"))
            {
                if (line.StartsWith(name + ":", StringComparison.Ordinal))
                {
                    return line[(name.Length + 1)..];
                }
            }
            return "?";
        }
        return $"used_memory {Field(memory, "used_memory_human")}, rss {Field(memory, "used_memory_rss_human")}, " +
            $"managed heap {long.Parse(Field(memory, "managed_heap_bytes"), CultureInfo.InvariantCulture) / (1024 * 1024)} MB, " +
            $"keys loaded {Field(persistence, "lsm_keys_loaded")}, unloaded {Field(persistence, "lsm_keys_unloaded")}, " +
            $"write amplification {Field(persistence, "lsm_write_amplification")}";
    }

    private static long DirectoryBytes(string directory) =>
        Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}
