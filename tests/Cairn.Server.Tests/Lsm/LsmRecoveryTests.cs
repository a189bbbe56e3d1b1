using System.Collections.Concurrent;
using System.Globalization;
using Cairn.Primitives;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Lsm;

/// <summary>
/// A storage-lsm node keeps every acknowledged write across a clean restart and across kill -9 of a real process: the
/// reply is sent only after the batch is in the LSM's log and written to the OS (appendfsync everysec or always).
/// </summary>
public sealed class LsmRecoveryTests
{
    [Theory]
    [InlineData(21UL, "everysec")]
    [InlineData(22UL, "always")]
    [InlineData(23UL, "no")]
    public async Task EveryAcknowledgedWriteSurvivesKillNine(ulong seed, string fsync)
    {
        var random = new SeededRandom(seed);
        string dir = Path.Combine(Path.GetTempPath(), "cairn-lsm-crash-" + Guid.NewGuid().ToString("N"));
        try
        {
            long acknowledgedCounter = 0;
            var acknowledgedPairs = new ConcurrentBag<int>();
            var acknowledgedFields = new ConcurrentBag<int>();
            var deleted = new ConcurrentBag<int>();
            using (var node = new NodeProcess(dir, "--storage", "lsm", "--maxmemory", "1mb", "--appendfsync", fsync))
            {
                using var stop = new CancellationTokenSource();
                Task[] writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
                {
                    try
                    {
                        using var client = new RawClient(node.Port);
                        string padding = new('p', 500);
                        for (int i = 0; !stop.IsCancellationRequested; i++)
                        {
                            int id = w * 1_000_000 + i;
                            switch (w)
                            {
                                case 0:
                                    string reply = client.Execute("INCR", "counter");
                                    Interlocked.Exchange(ref acknowledgedCounter, long.Parse(reply[1..], CultureInfo.InvariantCulture));
                                    break;
                                case 1:
                                    client.Execute("MULTI");
                                    client.Execute("SET", $"a{id}", padding);
                                    client.Execute("SET", $"b{id}", padding);
                                    if (client.Execute("EXEC") == "[+OK, +OK]")
                                    {
                                        acknowledgedPairs.Add(id);
                                    }
                                    break;
                                case 2:
                                    if (client.Execute("HSET", $"h{i % 50}", $"f{id}", padding) == ":1")
                                    {
                                        acknowledgedFields.Add(id);
                                    }
                                    break;
                                default:
                                    client.Execute("SET", $"d{id}", "x");
                                    if (client.Execute("DEL", $"d{id}") == ":1")
                                    {
                                        deleted.Add(id);
                                    }
                                    break;
                            }
                        }
                    }
                    catch (Exception e) when (e is IOException or EndOfStreamException or System.Net.Sockets.SocketException or InvalidDataException)
                    {
                        // The node was killed under us.
                    }
                })).ToArray();
                var warmUp = DateTime.UtcNow.AddSeconds(20);
                while ((Interlocked.Read(ref acknowledgedCounter) < 100 || acknowledgedFields.Count < 100) && DateTime.UtcNow < warmUp)
                {
                    await Task.Delay(10);
                }
                await Task.Delay(200 + random.NextInt(800));
                node.Kill();
                stop.Cancel();
                await Task.WhenAll(writers);
            }
            Assert.True(acknowledgedCounter > 0, $"seed {seed}: no write was acknowledged before the kill");
            using (var node = new NodeProcess(dir, "--storage", "lsm", "--maxmemory", "1mb"))
            {
                using var client = new RawClient(node.Port);
                long counter = long.Parse(client.Execute("GET", "counter"), CultureInfo.InvariantCulture);
                Assert.True(counter >= acknowledgedCounter && counter <= acknowledgedCounter + 1,
                    $"seed {seed}: counter {counter}, acknowledged {acknowledgedCounter}");
                foreach (int id in acknowledgedPairs)
                {
                    Assert.True(client.Execute("EXISTS", $"a{id}", $"b{id}") == ":2", $"seed {seed}: acknowledged pair {id} lost");
                }
                foreach (int id in acknowledgedFields)
                {
                    int i = id - 2_000_000;
                    Assert.True(client.Execute("HEXISTS", $"h{i % 50}", $"f{id}") == ":1", $"seed {seed}: acknowledged field {id} lost");
                }
                foreach (int id in deleted)
                {
                    Assert.True(client.Execute("EXISTS", $"d{id}") == ":0", $"seed {seed}: deleted key d{id} came back");
                }
                // A transaction is one batch: either both keys of a pair exist or neither; DBSIZE matches the keys.
                string keys = client.Execute("KEYS", "*");
                string[] names = keys.Trim('[', ']').Split(", ", StringSplitOptions.RemoveEmptyEntries);
                foreach (string name in names.Where(n => n.StartsWith('a')))
                {
                    Assert.True(client.Execute("EXISTS", "b" + name[1..]) == ":1", $"seed {seed}: half a transaction: {name}");
                }
                Assert.Equal($":{names.Length}", client.Execute("DBSIZE"));
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

    [Fact]
    public void ACleanRestartKeepsKeysExpiriesAndCounts()
    {
        string dir = LsmTestServer.NewDirectory();
        try
        {
            using (var server = new LsmTestServer(dir))
            {
                var db = server.Database();
                LsmDataTypeTests.Fill(db, 200);
                db.StringSet("ttl", "x", TimeSpan.FromHours(2));
                db.StringSet("gone", "x", TimeSpan.FromMilliseconds(200));
                db.StringIncrement("n", 41);
            }
            Thread.Sleep(300);
            using (var server = new LsmTestServer(dir))
            {
                var db = server.Database();
                Assert.Equal(42, (long)db.StringIncrement("n"));
                Assert.True(db.KeyTimeToLive("ttl") > TimeSpan.FromHours(1.9));
                Assert.False(db.KeyExists("gone"));
                Assert.Equal(202L, (long)db.Execute("DBSIZE"));
                Assert.Equal(new string('f', 4000), (string?)db.StringGet("fill:199"));
            }
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }
}
