using BenchmarkDotNet.Running;

namespace Cairn.Server.Bench;

/// <summary>
/// Micro-benchmarks of the request path without sockets: `dotnet run -c Release --project bench/Cairn.Server.Bench`.
/// `-- loop get|set|setrandom|setrandom-aof|zadd|sadd|hset|lrange|zrange|pushpop SECONDS` runs one batch benchmark in a plain loop instead, for attaching a
/// profiler (perf, dotnet-trace); it prints the commands run, their rate and the process's CPU time per command (steadier
/// than the rate when other work shares the machine). `-- loop command SECONDS "ZRANGE zset 0 99"` loops any one command
/// (<see cref="CommandLoop"/> lists the keys there). `setrandom-aof` is `setrandom` (SET of random keys out of 100k)
/// with the AOF on, appendfsync everysec, in a new temporary directory (removed by hand); the AOF thread's CPU is counted.
/// </summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args.Length is 3 or 4 && args[0] == "loop")
        {
            Func<int> batch;
            switch (args[1])
            {
                case "command" when args.Length == 4:
                    batch = new CommandLoop(args[3]).RunBatch;
                    break;
                case "get" or "set" or "setrandom" or "setrandom-aof":
                    var request = new RequestPathBenchmarks();
                    if (args[1] == "setrandom-aof")
                    {
                        request.AofDirectory = Directory.CreateTempSubdirectory("cairn-bench-aof-").FullName;
                    }
                    request.Setup();
                    batch = args[1] switch
                    {
                        "set" => request.Set16,
                        "get" => request.Get16,
                        _ => request.SetRandom,
                    };
                    break;
                default:
                    var collections = new CollectionBenchmarks();
                    collections.Setup();
                    batch = args[1] switch
                    {
                        "zadd" => collections.ZAddRandom,
                        "sadd" => collections.SAddRandom,
                        "hset" => collections.HSetRandom,
                        "lrange" => collections.LRange100,
                        "zrange" => collections.ZRange100,
                        "pushpop" => collections.PushPop,
                        _ => throw new ArgumentException($"unknown loop mode {args[1]}"),
                    };
                    break;
            }
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            TimeSpan cpuStarted = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            long started = Environment.TickCount64;
            long until = started + long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) * 1000;
            long commands = 0;
            while (Environment.TickCount64 < until)
            {
                commands += batch();
            }
            double seconds = (Environment.TickCount64 - started) / 1000.0;
            double cpuNanoseconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalNanoseconds;
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            Console.WriteLine($"{commands} commands, {commands / seconds:F0}/s, {cpuNanoseconds / commands:F0} ns CPU per command, {allocated / commands} B allocated per command");
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
