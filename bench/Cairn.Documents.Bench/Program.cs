using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Documents.Bench;

// Library-level numbers for issue 9: SET/GET throughput, selective search with the index versus a full scan, index memory.
// Usage: dotnet run -c Release --project bench/Cairn.Documents.Bench [documentCount]
int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var report = DocumentBenchmark.Run(count);
Console.Out.Write(report);
Debug.Assert(report.Length > 0);
_ = Encoding.UTF8;
