using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Operations;
using Cairn.Documents.Path;
using Cairn.Documents.Search;
using Cairn.Documents.Search.Query;
using Cairn.Primitives;

namespace Cairn.Documents.Bench;

/// <summary>Runs every measurement and returns a plain-text report. Single-threaded, seeded, so runs are comparable.</summary>
internal static class DocumentBenchmark
{
    private const int Cities = 50;
    private const int Tags = 20;

    public static string Run(int count)
    {
        var report = new StringBuilder();
        var random = new SeededRandom(7);
        var texts = new byte[count][];
        var keys = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            keys[i] = Encoding.UTF8.GetBytes("user:" + i.ToString(CultureInfo.InvariantCulture));
            texts[i] = Encoding.UTF8.GetBytes(Document(random, i));
        }
        report.AppendLine(CultureInfo.InvariantCulture, $"documents: {count}, average JSON size {texts.Sum(t => (long)t.Length) / count} bytes");

        // SET without indexes: parse + store (what JSON.SET does before index maintenance).
        var store = new Dictionary<byte[], JsonValue>(ByteArrayComparer.Instance);
        long before = GC.GetTotalMemory(true);
        var cpu = Cpu();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            JsonValue? root = null;
            JsonParser.TryParse(texts[i], out var value, out _);
            JsonDocumentOperations.Set(ref root, "$", value, JsonSetCondition.None);
            store[keys[i]] = root!;
        }
        watch.Stop();
        long documentsBytes = GC.GetTotalMemory(true) - before;
        report.AppendLine(CultureInfo.InvariantCulture, $"JSON.SET (parse+store, no index): {Rate(count, watch, cpu)} ops/s; documents hold {documentsBytes / count} bytes each");

        // GET: whole document, and one field by a legacy path.
        cpu = Cpu();
        watch.Restart();
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            bytes += JsonDocumentOperations.Get(store[keys[i]], ["$"], JsonFormatOptions.Compact).Reply.Bytes.Length;
        }
        watch.Stop();
        report.AppendLine(CultureInfo.InvariantCulture, $"JSON.GET $ (serialize whole document): {Rate(count, watch, cpu)} ops/s");
        cpu = Cpu();
        watch.Restart();
        for (int i = 0; i < count; i++)
        {
            bytes += JsonDocumentOperations.Get(store[keys[i]], [".address.city"], JsonFormatOptions.Compact).Reply.Bytes.Length;
        }
        watch.Stop();
        report.AppendLine(CultureInfo.InvariantCulture, $"JSON.GET .address.city: {Rate(count, watch, cpu)} ops/s");

        // Index build (as the backfill does) and per-document index memory.
        Invariant.Require(SearchIndexDefinitionParser.TryParse(
            ["idx", "ON", "JSON", "PREFIX", "1", "user:", "SCHEMA", "$.address.city", "AS", "city", "TAG", "$.tags[*]", "AS", "tags", "TAG",
             "$.age", "AS", "age", "NUMERIC", "SORTABLE", "$.name", "AS", "name", "TEXT"], out var definition, out string error), error);
        var index = new SearchIndex(definition);
        before = GC.GetTotalMemory(true);
        cpu = Cpu();
        watch.Restart();
        for (int i = 0; i < count; i++)
        {
            index.Upsert(keys[i], store[keys[i]]);
        }
        watch.Stop();
        long indexBytes = GC.GetTotalMemory(true) - before;
        report.AppendLine(CultureInfo.InvariantCulture, $"index maintenance (upsert, 4 fields): {Rate(count, watch, cpu)} docs/s");
        report.AppendLine(CultureInfo.InvariantCulture, $"index memory: {indexBytes / count} bytes/document measured (GC), {index.EstimateIndexMemoryBytes() / count} estimated; postings {index.PostingCount}");

        // JSON.SET with index maintenance: re-set every document.
        var registry = new SearchIndexRegistry();
        registry.TryCreate(definition, [], _ => null, out var live, out _);
        cpu = Cpu();
        watch.Restart();
        for (int i = 0; i < count; i++)
        {
            JsonValue? root = null;
            JsonParser.TryParse(texts[i], out var value, out _);
            JsonDocumentOperations.Set(ref root, "$", value, JsonSetCondition.None);
            registry.OnDocumentWritten(keys[i], root!);
        }
        watch.Stop();
        report.AppendLine(CultureInfo.InvariantCulture, $"JSON.SET with index maintenance: {Rate(count, watch, cpu)} ops/s");

        // Selective tag + numeric query: index versus full scan.
        const string Query = "@city:{city7} @tags:{tag3} @age:[30 40]";
        Invariant.Require(QueryParser.TryParse(Query, definition, new Dictionary<string, string>(), index.Stopwords, out var node, out error), error);
        var planner = new QueryPlanner(index);
        var request = new SearchRequest { Index = "idx", Query = Query, Limit = 10 };
        int matches = planner.Execute(node).Count;
        var searchCpu = Cpu();
        var indexed = Time(200, () => SearchExecutor.Search(index, request));
        double indexedCpuMicroseconds = (Cpu() - searchCpu).TotalMicroseconds / 201;
        var cityPath = JsonPathParser.Parse("$.address.city");
        var tagsPath = JsonPathParser.Parse("$.tags[*]");
        var agePath = JsonPathParser.Parse("$.age");
        int scanned = 0;
        var scanCpu = Cpu();
        var scan = Time(5, () =>
        {
            scanned = 0;
            foreach (var document in store.Values)
            {
                if (ScanMatches(document, cityPath, tagsPath, agePath))
                {
                    scanned++;
                }
            }
        });
        double scanCpuMicroseconds = (Cpu() - scanCpu).TotalMicroseconds / 6;
        Invariant.Require(scanned == matches, "full scan and index disagree");
        report.AppendLine(CultureInfo.InvariantCulture, $"query {Query}: {matches} matches");
        report.AppendLine(CultureInfo.InvariantCulture, $"  FT.SEARCH with index (LIMIT 10, documents in reply): median {indexed.Median:F1} us, p99 {indexed.P99:F1} us wall, {indexedCpuMicroseconds:F1} us CPU/query; planner checked {planner.CandidateChecks} candidates");
        report.AppendLine(CultureInfo.InvariantCulture, $"  full scan over {count} documents (JSONPath per document): median {scan.Median:F1} us, p99 {scan.P99:F1} us wall, {scanCpuMicroseconds:F1} us CPU/query");
        report.AppendLine(CultureInfo.InvariantCulture, $"  speed-up: {scan.Median / indexed.Median:F0}x wall, {scanCpuMicroseconds / indexedCpuMicroseconds:F0}x CPU");
        _ = bytes;
        return report.ToString();
    }

    private static bool ScanMatches(JsonValue document, JsonPath cityPath, JsonPath tagsPath, JsonPath agePath)
    {
        bool city = false;
        foreach (var value in JsonPathEvaluator.Select(document, cityPath))
        {
            city |= value.Kind == JsonKind.String && value.StringSpan.SequenceEqual("city7"u8);
        }
        if (!city)
        {
            return false;
        }
        bool tag = false;
        foreach (var value in JsonPathEvaluator.Select(document, tagsPath))
        {
            tag |= value.Kind == JsonKind.String && value.StringSpan.SequenceEqual("tag3"u8);
        }
        if (!tag)
        {
            return false;
        }
        foreach (var value in JsonPathEvaluator.Select(document, agePath))
        {
            if (value.IsNumber && value.NumberAsDouble >= 30 && value.NumberAsDouble <= 40)
            {
                return true;
            }
        }
        return false;
    }

    private static (double Median, double P99) Time(int repetitions, Action action)
    {
        action(); // warm up
        var samples = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return (samples[repetitions / 2], samples[Math.Min(repetitions - 1, (int)(repetitions * 0.99))]);
    }

    /// <summary>Throughput by wall clock and per CPU-second of this process (the second is the fairer number on a shared machine).</summary>
    private static string Rate(int count, Stopwatch watch, TimeSpan cpuStart) =>
        string.Create(CultureInfo.InvariantCulture, $"{count / watch.Elapsed.TotalSeconds:N0} wall, {count / (Cpu() - cpuStart).TotalSeconds:N0} per CPU-second");

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static string Document(IRandomSource random, int i)
    {
        int tagA = random.NextInt(Tags);
        int tagB = (tagA + 1 + random.NextInt(Tags - 1)) % Tags;
        return string.Create(CultureInfo.InvariantCulture,
            $$"""{"name":"user {{i}} {{Words[random.NextInt(Words.Length)]}}","email":"user{{i}}@example.com","address":{"city":"city{{random.NextInt(Cities)}}","zip":"{{10000 + random.NextInt(90000)}}"},"tags":["tag{{tagA}}","tag{{tagB}}"],"age":{{18 + random.NextInt(63)}},"items":[{"sku":"s{{random.NextInt(100)}}","qty":{{random.NextInt(5)}}}]}""");
    }

    private static readonly string[] Words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
}
