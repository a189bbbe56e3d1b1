using System.Diagnostics;
using Cairn.Primitives;
using StackExchange.Redis;

namespace Cairn.Eviction.Bench;

/// <summary>
/// Cache hit ratio under a memory limit on a Zipf-distributed trace: GET key, and on a miss SET key (a read-through cache).
/// Run against any server already configured with maxmemory and a policy, e.g.
///   dotnet run -c Release --project bench/Cairn.Eviction.Bench -- 127.0.0.1:23790 [operations] [keys] [zipf-exponent] [value-bytes]
/// Prints hits, misses, hit ratio and the keys resident at the end (so runs at the same capacity can be compared).
/// The trace is seeded, so every server sees the same sequence.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: Cairn.Eviction.Bench HOST:PORT [operations=1000000] [keys=200000] [exponent=0.99] [value-bytes=100]");
            return 2;
        }
        int operations = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
        int keys = args.Length > 2 ? int.Parse(args[2]) : 200_000;
        double exponent = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0.99;
        int valueBytes = args.Length > 4 ? int.Parse(args[4]) : 100;
        using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { args[0] }, AllowAdmin = true });
        IDatabase db = redis.GetDatabase();
        await redis.GetServer(args[0]).FlushAllDatabasesAsync();
        var zipf = new Zipf(keys, exponent, new SeededRandom(42));
        byte[] value = new byte[valueBytes];
        Array.Fill(value, (byte)'v');
        long hits = 0, misses = 0;
        var watch = Stopwatch.StartNew();
        const int Batch = 256;
        var pending = new List<(string Key, Task<RedisValue> Get)>(Batch);
        for (int done = 0; done < operations; done += Batch)
        {
            pending.Clear();
            for (int i = 0; i < Batch && done + i < operations; i++)
            {
                string key = "key:" + zipf.Next();
                pending.Add((key, db.StringGetAsync(key)));
            }
            var sets = new List<Task>();
            foreach ((string key, Task<RedisValue> get) in pending)
            {
                if ((await get).HasValue)
                {
                    hits++;
                }
                else
                {
                    misses++;
                    sets.Add(db.StringSetAsync(key, value));
                }
            }
            await Task.WhenAll(sets);
        }
        long resident = await redis.GetServer(args[0]).DatabaseSizeAsync();
        string policy = (await redis.GetServer(args[0]).ConfigGetAsync("maxmemory-policy")).FirstOrDefault().Value ?? "?";
        Console.WriteLine($"server={args[0]} policy={policy} ops={operations} keys={keys} zipf={exponent} hits={hits} misses={misses} " +
            $"hit_ratio={(double)hits / (hits + misses):F4} resident_keys={resident} seconds={watch.Elapsed.TotalSeconds:F1}");
        return 0;
    }

    /// <summary>Zipf sampler over [0, n) by inverse CDF on precomputed cumulative weights.</summary>
    private sealed class Zipf
    {
        private readonly double[] _cumulative;
        private readonly IRandomSource _random;

        public Zipf(int n, double exponent, IRandomSource random)
        {
            _random = random;
            _cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += 1.0 / Math.Pow(i + 1, exponent);
                _cumulative[i] = sum;
            }
            for (int i = 0; i < n; i++)
            {
                _cumulative[i] /= sum;
            }
        }

        public int Next()
        {
            double u = _random.NextDouble();
            int index = Array.BinarySearch(_cumulative, u);
            return index >= 0 ? index : Math.Min(~index, _cumulative.Length - 1);
        }
    }
}
