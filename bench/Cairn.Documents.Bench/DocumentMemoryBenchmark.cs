using System.Globalization;
using System.Text;
using Cairn.Documents.Json;
using Cairn.Primitives;

namespace Cairn.Documents.Bench;

/// <summary>
/// Memory of stored documents against their JSON text, on the README's user profile shape with varied values: the
/// estimate JSON.DEBUG MEMORY and MEMORY USAGE report, and the managed heap the trees really hold (GC, after a full
/// collection). Usage: dotnet run -c Release --project bench/Cairn.Documents.Bench memory [count]
/// </summary>
internal static class DocumentMemoryBenchmark
{
    private static readonly string[] FirstNames = ["John", "Ann", "Maria", "Wei", "Olu", "Sven", "Priya", "Luis"];
    private static readonly string[] LastNames = ["Doe", "Smith", "Garcia", "Chen", "Okafor", "Berg", "Patel", "Silva"];
    private static readonly string[] Cities = ["New York", "Paris", "Lagos", "Tokyo", "Lima", "Oslo", "Pune", "Austin"];
    private static readonly string[] Tags = ["premium", "verified", "beta", "staff", "trial", "vip"];

    public static string Run(int count)
    {
        var random = new SeededRandom(11);
        var texts = new byte[count][];
        long textBytes = 0;
        for (int i = 0; i < count; i++)
        {
            texts[i] = Encoding.UTF8.GetBytes(Profile(random, i));
            textBytes += texts[i].Length;
        }
        var documents = new JsonValue[count];
        long before = GC.GetTotalMemory(true);
        for (int i = 0; i < count; i++)
        {
            JsonParser.TryParse(texts[i], out var value, out _);
            documents[i] = value!;
        }
        long heapBytes = GC.GetTotalMemory(true) - before;
        long estimateBytes = 0;
        foreach (var document in documents)
        {
            estimateBytes += document.EstimateMemoryBytes();
        }
        GC.KeepAlive(documents);
        double text = (double)textBytes / count;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"profiles: {count}, average JSON text {text:F0} bytes, e.g. {Encoding.UTF8.GetString(texts[0])}");
        report.AppendLine(CultureInfo.InvariantCulture, $"estimate (JSON.DEBUG MEMORY): {(double)estimateBytes / count:F0} bytes/document = {estimateBytes / (double)textBytes:F2}x text");
        report.AppendLine(CultureInfo.InvariantCulture, $"managed heap (GC):           {(double)heapBytes / count:F0} bytes/document = {heapBytes / (double)textBytes:F2}x text");
        return report.ToString();
    }

    /// <summary>The README's user:123 shape: {"name","email","address":{"city","zip"},"tags":[...]} plus an age.</summary>
    private static string Profile(IRandomSource random, int i)
    {
        string first = FirstNames[random.NextInt(FirstNames.Length)];
        string last = LastNames[random.NextInt(LastNames.Length)];
        string tagA = Tags[random.NextInt(Tags.Length)];
        string tagB = Tags[random.NextInt(Tags.Length)];
        return string.Create(CultureInfo.InvariantCulture,
            $$"""{"name":"{{first}} {{last}}","email":"{{first.ToLowerInvariant()}}{{i}}@example.com","address":{"city":"{{Cities[random.NextInt(Cities.Length)]}}","zip":"{{10000 + random.NextInt(90000)}}"},"tags":["{{tagA}}","{{tagB}}"],"age":{{18 + random.NextInt(63)}}}""");
    }
}
