using Cairn.Primitives;
using Cairn.TimeSeries.Serialization;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Tests.Serialization;

public sealed class SeriesSerializerTests
{
    private static readonly string s_goldenPath = Path.Combine(AppContext.BaseDirectory, "Serialization", "Golden", "series-v2.hex");
    private static readonly string s_goldenV1Path = Path.Combine(AppContext.BaseDirectory, "Serialization", "Golden", "series-v1.hex");

    /// <summary>A fixed series touching every field: both chunk encodings cannot mix in one series, so two are built.</summary>
    internal static (TimeSeriesData Compressed, TimeSeriesData Uncompressed) GoldenSeries()
    {
        var redis = new Commands();
        redis.Run("TS.CREATE golden RETENTION 86400000 CHUNK_SIZE 64 DUPLICATE_POLICY MAX IGNORE 5 0.25 LABELS sensor t1 room kitchen");
        redis.Run("TS.CREATE plain ENCODING UNCOMPRESSED CHUNK_SIZE 48 LABELS kind plain");
        redis.Run("TS.CREATERULE golden plain AGGREGATION twa 100 3");
        long t = 1_700_000_000_000;
        double[] values = [1.5, double.NaN, double.PositiveInfinity, -0.0, 1e300, 42, 42, 42.5];
        for (int i = 0; i < 40; i++)
        {
            redis.Run($"TS.ADD golden {t + (i * 37)} {values[i % values.Length].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        }
        redis.Run($"TS.ADD plain {t - 5} 7");
        return (redis.Series("golden"), redis.Series("plain"));
    }

    [Fact]
    public void SerializedSeriesRoundTripsEveryFieldAndSample()
    {
        var (compressed, uncompressed) = GoldenSeries();
        foreach (TimeSeriesData series in new[] { compressed, uncompressed })
        {
            byte[] bytes = SeriesSerializer.Serialize(series);
            Assert.True(SeriesSerializer.TryDeserialize(bytes, series.Key, out TimeSeriesData? loaded, out string? error), error);
            Assert.Equal(series.RetentionMilliseconds, loaded!.RetentionMilliseconds);
            Assert.Equal(series.Encoding, loaded.Encoding);
            Assert.Equal(series.ChunkSizeBytes, loaded.ChunkSizeBytes);
            Assert.Equal(series.DuplicatePolicy, loaded.DuplicatePolicy);
            Assert.Equal(series.IgnoreMaxTimeDifferenceMilliseconds, loaded.IgnoreMaxTimeDifferenceMilliseconds);
            Assert.Equal(series.IgnoreMaxValueDifference, loaded.IgnoreMaxValueDifference);
            Assert.Equal(series.Labels, loaded.Labels);
            Assert.Equal(series.SourceKey, loaded.SourceKey);
            Assert.Equal(series.Rules.Count, loaded.Rules.Count);
            Assert.Equal(series.ChunkCount, loaded.ChunkCount);
            var expected = new List<Sample>();
            var actual = new List<Sample>();
            series.CollectRange(long.MinValue, long.MaxValue, expected);
            loaded.CollectRange(long.MinValue, long.MaxValue, actual);
            Assert.Equal(expected, actual, SampleComparer.BitExact);
            Assert.Equal(bytes, SeriesSerializer.Serialize(loaded));
        }
    }

    [Fact]
    public void SerializedFormIsFrozenByTheGoldenFile()
    {
        var (compressed, uncompressed) = GoldenSeries();
        string actual = Convert.ToHexString(SeriesSerializer.Serialize(compressed)) + "\n" + Convert.ToHexString(SeriesSerializer.Serialize(uncompressed)) + "\n";
        if (Environment.GetEnvironmentVariable("CAIRN_UPDATE_GOLDEN") == "1")
        {
            string source = Path.Combine(FindRepositoryRoot(), "tests", "Cairn.TimeSeries.Tests", "Serialization", "Golden", "series-v2.hex");
            File.WriteAllText(source, actual);
            return;
        }
        Assert.Equal(File.ReadAllText(s_goldenPath), actual);
    }

    [Theory]
    [InlineData("series-v1.hex")]
    [InlineData("series-v2.hex")]
    public void EveryGoldenVersionStillLoadsWithTheSameSamples(string file)
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Serialization", "Golden", file));
        var (compressed, uncompressed) = GoldenSeries();
        foreach (var (line, original) in new[] { (lines[0], compressed), (lines[1], uncompressed) })
        {
            Assert.True(SeriesSerializer.TryDeserialize(Convert.FromHexString(line), original.Key, out TimeSeriesData? series, out string? error), error);
            Assert.Equal(original.TotalSamples, series!.TotalSamples);
            Assert.Equal(original.Labels, series.Labels);
            var expected = new List<Sample>();
            var actual = new List<Sample>();
            original.CollectRange(long.MinValue, long.MaxValue, expected);
            series.CollectRange(long.MinValue, long.MaxValue, actual);
            Assert.Equal(expected, actual, SampleComparer.BitExact);
        }
    }

    [Fact]
    public void VersionOneSeriesIsRewrittenInTheCurrentVersion()
    {
        string line = File.ReadAllLines(s_goldenV1Path)[0];
        Assert.True(SeriesSerializer.TryDeserialize(Convert.FromHexString(line), "golden"u8.ToArray(), out TimeSeriesData? series, out string? error), error);
        byte[] rewritten = SeriesSerializer.Serialize(series!);
        Assert.Equal(SeriesSerializer.FormatVersion, rewritten[0]);
        Assert.True(SeriesSerializer.TryDeserialize(rewritten, "golden"u8.ToArray(), out TimeSeriesData? reloaded, out error), error);
        Assert.Equal(series!.TotalSamples, reloaded!.TotalSamples);
        Assert.True(rewritten.Length < Convert.FromHexString(line).Length, "version 2 should be smaller than version 1");
    }

    /// <summary>A counter in 4 KiB pages with jittered scrapes: exercises the grid tracker, the dod predictor and the shift.</summary>
    private static TimeSeriesData PagedSeries()
    {
        var redis = new Commands();
        redis.Run("TS.CREATE paged CHUNK_SIZE 4096");
        long pages = 100_000;
        for (int i = 0; i < 60; i++)
        {
            pages += 3 + (i * 7 % 5);
            long jitter = i * 13 % 11;
            redis.Run($"TS.ADD paged {1_700_000_000_000 + (i * 10_000) + jitter} {pages * 4096}");
        }
        return redis.Series("paged");
    }

    [Fact]
    public void ShiftedCounterFormIsFrozenByTheGoldenFile()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Serialization", "Golden", "series-v2-paged.hex");
        string actual = Convert.ToHexString(SeriesSerializer.Serialize(PagedSeries())) + "\n";
        if (Environment.GetEnvironmentVariable("CAIRN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(FindRepositoryRoot(), "tests", "Cairn.TimeSeries.Tests", "Serialization", "Golden", "series-v2-paged.hex"), actual);
            return;
        }
        Assert.Equal(File.ReadAllText(path), actual);
        Assert.True(SeriesSerializer.TryDeserialize(Convert.FromHexString(actual.Trim()), "paged"u8.ToArray(), out TimeSeriesData? loaded, out string? error), error);
        var expected = new List<Sample>();
        var samples = new List<Sample>();
        PagedSeries().CollectRange(long.MinValue, long.MaxValue, expected);
        loaded!.CollectRange(long.MinValue, long.MaxValue, samples);
        Assert.Equal(expected, samples, SampleComparer.BitExact);
    }

    [Fact]
    public void AnyFlippedBitIsRejected()
    {
        byte[] bytes = SeriesSerializer.Serialize(GoldenSeries().Compressed);
        var random = new SeededRandom(99);
        for (int i = 0; i < 200; i++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            int bit = random.NextInt(corrupt.Length * 8);
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(SeriesSerializer.TryDeserialize(corrupt, "k"u8.ToArray(), out _, out _), $"bit {bit}");
        }
        Assert.False(SeriesSerializer.TryDeserialize(bytes.AsSpan(0, bytes.Length - 1), "k"u8.ToArray(), out _, out _));
    }

    private static string FindRepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Cairn.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }
        return directory ?? throw new InvalidOperationException("repository root not found");
    }
}
