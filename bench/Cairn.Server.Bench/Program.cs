using BenchmarkDotNet.Running;

namespace Cairn.Server.Bench;

/// <summary>
/// Micro-benchmarks of the request path without sockets: `dotnet run -c Release --project bench/Cairn.Server.Bench`.
/// `-- loop get|set SECONDS` runs one batch benchmark in a plain loop instead, for attaching a profiler (perf, dotnet-trace).
/// </summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "loop")
        {
            var bench = new RequestPathBenchmarks();
            bench.Setup();
            long until = Environment.TickCount64 + long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) * 1000;
            long batches = 0;
            while (Environment.TickCount64 < until)
            {
                _ = args[1] == "set" ? bench.Set16() : bench.Get16();
                batches++;
            }
            Console.WriteLine($"{batches * 16} commands");
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
