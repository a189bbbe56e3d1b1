using BenchmarkDotNet.Running;

namespace Cairn.Server.Bench;

/// <summary>Micro-benchmarks of the request path without sockets: `dotnet run -c Release --project bench/Cairn.Server.Bench`.</summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
