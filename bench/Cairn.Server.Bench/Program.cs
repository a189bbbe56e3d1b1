using BenchmarkDotNet.Running;

namespace Cairn.Server.Bench;

/// <summary>
/// Micro-benchmarks of the request path without sockets: `dotnet run -c Release --project bench/Cairn.Server.Bench`.
/// `-- loop get|set|zadd|lrange|pushpop SECONDS` runs one batch benchmark in a plain loop instead, for attaching a profiler
/// (perf, dotnet-trace); it prints the commands run and their rate.
/// </summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "loop")
        {
            Func<int> batch;
            switch (args[1])
            {
                case "get" or "set":
                    var request = new RequestPathBenchmarks();
                    request.Setup();
                    batch = args[1] == "set" ? request.Set16 : request.Get16;
                    break;
                default:
                    var collections = new CollectionBenchmarks();
                    collections.Setup();
                    batch = args[1] switch
                    {
                        "zadd" => collections.ZAddRandom,
                        "lrange" => collections.LRange100,
                        "pushpop" => collections.PushPop,
                        _ => throw new ArgumentException($"unknown loop mode {args[1]}"),
                    };
                    break;
            }
            long started = Environment.TickCount64;
            long until = started + long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) * 1000;
            long commands = 0;
            while (Environment.TickCount64 < until)
            {
                commands += batch();
            }
            double seconds = (Environment.TickCount64 - started) / 1000.0;
            Console.WriteLine($"{commands} commands, {commands / seconds:F0}/s");
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
