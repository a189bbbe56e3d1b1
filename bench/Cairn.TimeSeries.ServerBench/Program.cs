using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Cairn.TimeSeries.ServerBench;

/// <summary>
/// End-to-end TS.* throughput against a running server: pipelined TS.ADD and TS.MADD (many commands in flight on one
/// connection), then TS.RANGE with AGGREGATION over a 1M-sample series. Usage: ServerBench [host:port] [samples].
/// </summary>
internal static class Program
{
    private const int Window = 2000;

    private static async Task Main(string[] args)
    {
        string endpoint = args.Length > 0 ? args[0] : "127.0.0.1:23770";
        int samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(endpoint + ",allowAdmin=true");
        IDatabase db = connection.GetDatabase();
        await db.ExecuteAsync("FLUSHALL");

        await db.ExecuteAsync("TS.CREATE", "bench:add", "LABELS", "bench", "add");
        double seconds = await Pipelined(samples, i => db.ExecuteAsync("TS.ADD", "bench:add", (long)i * 10, i % 1000 * 0.25));
        Report("TS.ADD (pipelined, 1 series)", samples, samples, seconds);

        const int series = 10;
        for (int s = 0; s < series; s++)
        {
            await db.ExecuteAsync("TS.CREATE", "bench:madd:" + s, "LABELS", "bench", "madd");
        }
        int commands = samples / series;
        seconds = await Pipelined(commands, i =>
        {
            var arguments = new object[series * 3];
            for (int s = 0; s < series; s++)
            {
                arguments[s * 3] = "bench:madd:" + s;
                arguments[(s * 3) + 1] = (long)i * 10;
                arguments[(s * 3) + 2] = (i + s) % 1000 * 0.5;
            }
            return db.ExecuteAsync("TS.MADD", arguments);
        });
        Report($"TS.MADD (pipelined, {series} samples per command)", commands, commands * series, seconds);

        foreach ((string aggregation, long bucket) in new[] { ("avg", 60_000L), ("max", 3_600_000L), ("sum", 100L) })
        {
            var watch = Stopwatch.StartNew();
            RedisResult result = await db.ExecuteAsync("TS.RANGE", "bench:add", "-", "+", "AGGREGATION", aggregation, bucket);
            watch.Stop();
            Console.WriteLine($"TS.RANGE - + AGGREGATION {aggregation} {bucket} over {samples:N0} samples: {watch.Elapsed.TotalMilliseconds:F1} ms, {result.Length:N0} buckets");
        }
        var full = Stopwatch.StartNew();
        RedisResult raw = await db.ExecuteAsync("TS.RANGE", "bench:add", "-", "+");
        full.Stop();
        Console.WriteLine($"TS.RANGE - + (raw) {raw.Length:N0} samples: {full.Elapsed.TotalMilliseconds:F1} ms");
        RedisResult memory = await db.ExecuteAsync("MEMORY", "USAGE", "bench:add");
        Console.WriteLine($"MEMORY USAGE bench:add: {(long)memory:N0} bytes ({(double)(long)memory / samples:F2} bytes/sample)");
    }

    private static async Task<double> Pipelined(int count, Func<int, Task<RedisResult>> send)
    {
        var inFlight = new Queue<Task<RedisResult>>(Window);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            inFlight.Enqueue(send(i));
            if (inFlight.Count >= Window)
            {
                await inFlight.Dequeue();
            }
        }
        while (inFlight.Count > 0)
        {
            await inFlight.Dequeue();
        }
        return watch.Elapsed.TotalSeconds;
    }

    private static void Report(string name, int commands, long samples, double seconds) =>
        Console.WriteLine($"{name}: {commands:N0} commands, {samples:N0} samples in {seconds:F2} s = {commands / seconds:N0} commands/s, {samples / seconds:N0} samples/s");
}
