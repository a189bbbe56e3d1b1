namespace Cairn.TimeSeries.Tests.Series;

/// <summary>TS.CREATE / ALTER / ADD / MADD / INCRBY / DECRBY / DEL / GET / INFO as transcripts.</summary>
public sealed class SeriesCommandTests
{
    private readonly Commands _redis = new();

    [Fact]
    public void CreateTwiceFailsWithKeyAlreadyExists()
    {
        Assert.Equal("OK", _redis.Run("TS.CREATE temp RETENTION 60000 LABELS sensor 1"));
        Assert.Equal("ERR TSDB: key already exists", _redis.Run("TS.CREATE temp"));
    }

    [Fact]
    public void AddCreatesAMissingSeriesWithTheGivenOptions()
    {
        Assert.Equal("10", _redis.Run("TS.ADD temp 10 1.5 RETENTION 100 ENCODING UNCOMPRESSED CHUNK_SIZE 128 LABELS room kitchen"));
        var series = _redis.Series("temp");
        Assert.Equal(100, series.RetentionMilliseconds);
        Assert.Equal(ChunkEncoding.Uncompressed, series.Encoding);
        Assert.Equal(128, series.ChunkSizeBytes);
        Assert.Equal("[temp]", _redis.Run("TS.QUERYINDEX room=kitchen"));
    }

    [Fact]
    public void AddWithStarUsesTheGivenClock()
    {
        _redis.NowMilliseconds = 123_456;
        Assert.Equal("123456", _redis.Run("TS.ADD temp * 2"));
        Assert.Equal("[123456, 2]", _redis.Run("TS.GET temp"));
    }

    [Fact]
    public void DuplicateTimestampIsBlockedByDefaultAndResolvedByOnDuplicate()
    {
        _redis.Run("TS.ADD temp 10 1");
        Assert.Equal("ERR TSDB: Error at upsert, update is not supported when DUPLICATE_POLICY is set to BLOCK mode, or either current or new value is NaN and DUPLICATE_POLICY is MAX/MIN/SUM", _redis.Run("TS.ADD temp 10 2"));
        Assert.Equal("10", _redis.Run("TS.ADD temp 10 5 ON_DUPLICATE SUM"));
        Assert.Equal("[10, 6]", _redis.Run("TS.GET temp"));
        _redis.Run("TS.ALTER temp DUPLICATE_POLICY MIN");
        _redis.Run("TS.ADD temp 10 -3");
        Assert.Equal("[10, -3]", _redis.Run("TS.GET temp"));
    }

    [Fact]
    public void LateSamplesLandInTimeOrder()
    {
        _redis.Run("TS.CREATE temp CHUNK_SIZE 48");
        foreach (int t in new[] { 50, 10, 40, 20, 30, 5, 60 })
        {
            _redis.Run($"TS.ADD temp {t} {t}");
        }
        Assert.Equal("[[5, 5], [10, 10], [20, 20], [30, 30], [40, 40], [50, 50], [60, 60]]", _redis.Run("TS.RANGE temp - +"));
        Assert.Equal("[[60, 60], [50, 50]]", _redis.Run("TS.REVRANGE temp - + COUNT 2"));
    }

    [Fact]
    public void MultiAddRepliesPerEntryIncludingErrors()
    {
        _redis.Run("TS.CREATE a");
        _redis.Run("TS.ADD a 5 1");
        Assert.Equal(
            "[1, ERR TSDB: the key is not a TSDB key, ERR TSDB: Error at upsert, update is not supported when DUPLICATE_POLICY is set to BLOCK mode, or either current or new value is NaN and DUPLICATE_POLICY is MAX/MIN/SUM]",
            _redis.Run("TS.MADD a 1 1 missing 1 1 a 5 2"));
        // A triple that does not parse fails alone (value checked before timestamp), as RedisTimeSeries's TS.MADD does.
        Assert.Equal(
            "[ERR TSDB: invalid value, 2, ERR TSDB: invalid timestamp, ERR TSDB: invalid timestamp, must be a nonnegative integer, ERR TSDB: invalid value, 3]",
            _redis.Run("TS.MADD a 7 x a 2 2 a t 1 a -1 1 a t x a 3 3"));
        Assert.Equal("[[1, 1], [2, 2], [3, 3], [5, 1]]", _redis.Run("TS.RANGE a - +"));
        Assert.Equal("ERR wrong number of arguments for 'ts.madd' command", _redis.Run("TS.MADD a 1"));
    }

    [Fact]
    public void IncrementAddsToTheLastValueAndRejectsOlderTimestamps()
    {
        Assert.Equal("100", _redis.Run("TS.INCRBY counter 5 TIMESTAMP 100"));
        Assert.Equal("100", _redis.Run("TS.INCRBY counter 2 TIMESTAMP 100"));
        Assert.Equal("[100, 7]", _redis.Run("TS.GET counter"));
        Assert.Equal("200", _redis.Run("TS.DECRBY counter 10 TIMESTAMP 200"));
        Assert.Equal("[200, -3]", _redis.Run("TS.GET counter"));
        Assert.Equal("TSDB: timestamp must be equal to or higher than the maximum existing timestamp", _redis.Run("TS.INCRBY counter 1 TIMESTAMP 50"));
        _redis.NowMilliseconds = 300;
        Assert.Equal("300", _redis.Run("TS.INCRBY counter 1"));
    }

    [Fact]
    public void DeleteRemovesAnInclusiveRangeAndCountsIt()
    {
        for (int t = 1; t <= 10; t++)
        {
            _redis.Run($"TS.ADD s {t} {t}");
        }
        Assert.Equal("3", _redis.Run("TS.DEL s 4 6"));
        Assert.Equal("[[3, 3], [7, 7]]", _redis.Run("TS.RANGE s 3 7"));
        Assert.Equal("ERR TSDB: the key does not exist", _redis.Run("TS.DEL nope 0 1"));
    }

    [Fact]
    public void GetOnAnEmptySeriesIsAnEmptyArray()
    {
        _redis.Run("TS.CREATE s");
        Assert.Equal("[]", _redis.Run("TS.GET s"));
        Assert.Equal("ERR TSDB: the key does not exist", _redis.Run("TS.GET nope"));
    }

    [Fact]
    public void InfoReportsTheFieldsNRedisStackReads()
    {
        _redis.Run("TS.CREATE s RETENTION 5000 CHUNK_SIZE 1024 DUPLICATE_POLICY LAST LABELS a 1 b 2");
        _redis.Run("TS.CREATE d");
        _redis.Run("TS.CREATERULE s d AGGREGATION avg 1000");
        _redis.Run("TS.ADD s 10 1");
        _redis.Run("TS.ADD s 20 2");
        string info = _redis.Run("TS.INFO s");
        Assert.StartsWith("[totalSamples, 2, memoryUsage, ", info, StringComparison.Ordinal);
        foreach (string expected in new[]
        {
            "firstTimestamp, 10, lastTimestamp, 20, retentionTime, 5000, chunkCount, 1, chunkSize, 1024, maxSamplesPerChunk, 64",
            "chunkType, compressed, duplicatePolicy, last, labels, [[a, 1], [b, 2]], sourceKey, (nil), rules, [[d, 1000, AVG, 0]]",
        })
        {
            Assert.Contains(expected, info, StringComparison.Ordinal);
        }
        Assert.Contains("sourceKey, s, rules, []", _redis.Run("TS.INFO d"), StringComparison.Ordinal);
        Assert.Contains("duplicatePolicy, (nil)", _redis.Run("TS.INFO d"), StringComparison.Ordinal);
        Assert.Contains("Chunks, [[startTimestamp, 10, endTimestamp, 20, samples, 2", _redis.Run("TS.INFO s DEBUG"), StringComparison.Ordinal);
    }

    [Fact]
    public void AlterReplacesLabelsInTheIndexAndKeepsOtherOptions()
    {
        _redis.Run("TS.CREATE s RETENTION 10 LABELS a 1");
        Assert.Equal("OK", _redis.Run("TS.ALTER s LABELS b 2"));
        Assert.Equal("[]", _redis.Run("TS.QUERYINDEX a=1"));
        Assert.Equal("[s]", _redis.Run("TS.QUERYINDEX b=2"));
        Assert.Equal(10, _redis.Series("s").RetentionMilliseconds);
        Assert.Equal("ERR TSDB: the key does not exist", _redis.Run("TS.ALTER nope RETENTION 1"));
    }

    [Fact]
    public void SamplesOlderThanRetentionAreRejected()
    {
        _redis.Run("TS.CREATE s RETENTION 100");
        _redis.Run("TS.ADD s 1000 1");
        Assert.Equal("ERR TSDB: Timestamp is older than retention", _redis.Run("TS.ADD s 800 1"));
        Assert.Equal("950", _redis.Run("TS.ADD s 950 1"));
    }
}
