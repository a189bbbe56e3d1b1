using Cairn.Primitives;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Persistence;

/// <summary>
/// kill -9 a real node while clients write with appendfsync always, restart it, and check that every acknowledged write
/// is there and nothing unacknowledged appears half-applied. Kill points are random (seed printed on failure).
/// </summary>
public sealed class CrashTests
{
    private const int BatchSize = 16;

    [Theory]
    [InlineData(11UL)]
    [InlineData(12UL)]
    [InlineData(13UL)]
    public async Task EveryAcknowledgedWriteSurvivesKillNine(ulong seed)
    {
        var random = new SeededRandom(seed);
        string dir = Path.Combine(Path.GetTempPath(), "cairn-crash-" + Guid.NewGuid().ToString("N"));
        try
        {
            long acknowledgedCounter = 0;
            var acknowledgedKeys = new System.Collections.Concurrent.ConcurrentBag<int>();
            var acknowledgedBatches = new System.Collections.Concurrent.ConcurrentBag<int>();
            using (var node = new NodeProcess(dir, "--appendonly", "yes", "--appendfsync", "always"))
            {
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
                {
                    try
                    {
                        using var client = new RawClient(node.Port);
                        for (int i = 0; !stop.IsCancellationRequested; i++)
                        {
                            if (w == 0)
                            {
                                string reply = client.Execute("INCR", "counter");
                                Interlocked.Exchange(ref acknowledgedCounter, long.Parse(reply[1..], System.Globalization.CultureInfo.InvariantCulture));
                            }
                            else if (w == 3)
                            {
                                // A pipelined batch: logged as frame runs (docs/formats/aof.md), acknowledged once every reply is in.
                                client.Send(string.Concat(Enumerable.Range(0, BatchSize).Select(j => RawClient.Encode("SET", $"p{i}-{j}", "1"))));
                                if (Enumerable.Range(0, BatchSize).Select(_ => client.ReadReply()).All(r => r == "+OK"))
                                {
                                    acknowledgedBatches.Add(i);
                                }
                            }
                            else
                            {
                                int key = w * 1_000_000 + i;
                                client.Execute("MULTI");
                                client.Execute("SET", $"a{key}", "1");
                                client.Execute("SET", $"b{key}", "1");
                                if (client.Execute("EXEC") == "[+OK, +OK]")
                                {
                                    acknowledgedKeys.Add(key);
                                }
                            }
                        }
                    }
                    catch (Exception e) when (e is IOException or EndOfStreamException or System.Net.Sockets.SocketException or InvalidDataException)
                    {
                        // The node was killed under us.
                    }
                })).ToArray();
                var warmUp = DateTime.UtcNow.AddSeconds(20);
                while ((Interlocked.Read(ref acknowledgedCounter) == 0 || acknowledgedBatches.IsEmpty) && DateTime.UtcNow < warmUp)
                {
                    await Task.Delay(10);
                }
                await Task.Delay(100 + random.NextInt(700));
                node.Kill();
                stop.Cancel();
                await Task.WhenAll(writers);
            }
            Assert.True(acknowledgedCounter > 0, $"seed {seed}: no write was acknowledged before the kill");
            using (var node = new NodeProcess(dir, "--appendonly", "yes"))
            {
                using var client = new RawClient(node.Port);
                long counter = long.Parse(client.Execute("GET", "counter"), System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(counter >= acknowledgedCounter && counter <= acknowledgedCounter + 1,
                    $"seed {seed}: counter {counter}, acknowledged {acknowledgedCounter}");
                foreach (int key in acknowledgedKeys)
                {
                    Assert.True(client.Execute("GET", $"a{key}") == "1", $"seed {seed}: acknowledged a{key} lost");
                }
                Assert.False(acknowledgedBatches.IsEmpty, $"seed {seed}: no pipelined batch was acknowledged before the kill");
                foreach (int batch in acknowledgedBatches)
                {
                    for (int j = 0; j < BatchSize; j++)
                    {
                        Assert.True(client.Execute("GET", $"p{batch}-{j}") == "1", $"seed {seed}: acknowledged p{batch}-{j} lost");
                    }
                }
                // A transaction is one record: either both keys exist or neither (nothing half-applied).
                string keys = client.Execute("KEYS", "*");
                foreach (string name in keys.Trim('[', ']').Split(", ", StringSplitOptions.RemoveEmptyEntries))
                {
                    if (name.StartsWith('a'))
                    {
                        Assert.True(client.Execute("EXISTS", "b" + name[1..]) == ":1", $"seed {seed}: half-applied transaction {name}");
                    }
                }
                node.Kill();
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
}
