using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Documents.Bench;

// Library-level numbers for issue 9: SET/GET throughput, selective search with the index versus a full scan, index memory.
// Usage: dotnet run -c Release --project bench/Cairn.Documents.Bench [documentCount]
//        dotnet run -c Release --project bench/Cairn.Documents.Bench memory [documentCount]   (document memory versus text)
bool memory = args.Length > 0 && args[0] == "memory";
string[] rest = memory ? args[1..] : args;
int count = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 100_000;
var report = memory ? DocumentMemoryBenchmark.Run(count) : DocumentBenchmark.Run(count);
Console.Out.Write(report);
Debug.Assert(report.Length > 0);
_ = Encoding.UTF8;
