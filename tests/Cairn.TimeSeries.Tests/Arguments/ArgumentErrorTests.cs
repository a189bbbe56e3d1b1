namespace Cairn.TimeSeries.Tests.Arguments;

/// <summary>Each malformed argument gets RedisTimeSeries's error text.</summary>
public sealed class ArgumentErrorTests
{
    private readonly Commands _redis = new();

    [Theory]
    [InlineData("TS.ADD s abc 1", "ERR TSDB: invalid timestamp")]
    [InlineData("TS.ADD s -5 1", "ERR TSDB: invalid timestamp, must be a nonnegative integer")]
    [InlineData("TS.ADD s 1 x", "ERR TSDB: invalid value")]
    [InlineData("TS.ADD s 1 1 RETENTION -1", "ERR TSDB: Couldn't parse RETENTION")]
    [InlineData("TS.CREATE s RETENTION abc", "ERR TSDB: Couldn't parse RETENTION")]
    [InlineData("TS.CREATE s CHUNK_SIZE 47", "ERR TSDB: CHUNK_SIZE value must be a multiple of 8 in the range [48 .. 1048576]")]
    [InlineData("TS.CREATE s CHUNK_SIZE 100", "ERR TSDB: CHUNK_SIZE value must be a multiple of 8 in the range [48 .. 1048576]")]
    [InlineData("TS.CREATE s CHUNK_SIZE x", "ERR TSDB: Couldn't parse CHUNK_SIZE")]
    [InlineData("TS.CREATE s ENCODING zip", "ERR TSDB: unknown ENCODING parameter")]
    [InlineData("TS.CREATE s DUPLICATE_POLICY newest", "ERR TSDB: Unknown DUPLICATE_POLICY")]
    [InlineData("TS.ADD s 1 1 ON_DUPLICATE newest", "ERR TSDB: Unknown DUPLICATE_POLICY")]
    [InlineData("TS.CREATE s LABELS a", "ERR TSDB: Couldn't parse LABELS")]
    [InlineData("TS.CREATE s IGNORE 1", "ERR TSDB: Couldn't parse IGNORE")]
    [InlineData("TS.RANGE s x +", "ERR TSDB: wrong fromTimestamp")]
    [InlineData("TS.RANGE s - y", "ERR TSDB: wrong toTimestamp")]
    [InlineData("TS.RANGE s - + AGGREGATION median 10", "ERR TSDB: Unknown aggregation type")]
    [InlineData("TS.RANGE s - + AGGREGATION avg 0", "ERR TSDB: bucketDuration must be greater than zero")]
    [InlineData("TS.RANGE s - + AGGREGATION avg", "ERR TSDB: Couldn't parse AGGREGATION")]
    [InlineData("TS.RANGE s - + COUNT many", "ERR TSDB: Couldn't parse COUNT")]
    [InlineData("TS.RANGE s - + ALIGN middle AGGREGATION avg 10", "ERR TSDB: unknown ALIGN parameter")]
    [InlineData("TS.RANGE s - + ALIGN 5", "ERR TSDB: ALIGN parameter can only be used with AGGREGATION")]
    [InlineData("TS.RANGE s - + EMPTY", "ERR TSDB: EMPTY parameter can only be used with AGGREGATION")]
    [InlineData("TS.RANGE s - + FILTER_BY_VALUE 1", "ERR TSDB: FILTER_BY_VALUE one or more arguments are missing")]
    [InlineData("TS.RANGE s - + FILTER_BY_VALUE x 1", "ERR TSDB: Couldn't parse MIN")]
    [InlineData("TS.RANGE s - + FILTER_BY_VALUE 1 y", "ERR TSDB: Couldn't parse MAX")]
    [InlineData("TS.RANGE s - + FILTER_BY_TS", "ERR TSDB: FILTER_BY_TS one or more arguments are missing")]
    [InlineData("TS.RANGE s - + FILTER_BY_TS -5", "ERR TSDB: FILTER_BY_TS one or more arguments are missing")]
    [InlineData("TS.RANGE s - + COUNT", "ERR TSDB: COUNT argument is missing")]
    [InlineData("TS.RANGE s - + AGGREGATION avg ten", "ERR TSDB: Couldn't parse AGGREGATION")]
    [InlineData("TS.RANGE s - + AGGREGATION median ten", "ERR TSDB: Couldn't parse AGGREGATION")]
    [InlineData("TS.MRANGE - + SELECTED_LABELS FILTER a=1", "ERR TSDB: SELECT_LABELS should have at least 1 parameter")]
    [InlineData("TS.MGET WITHLABELS", "ERR wrong number of arguments for 'ts.mget' command")]
    [InlineData("TS.MREVRANGE - + FILTER a=1 GROUPBY a REDUCE max COUNT 1", "ERR wrong number of arguments for 'ts.mrevrange' command")]
    [InlineData("TS.MRANGE - + FILTER a=1 GROUPBY a REDUCE first", "ERR TSDB: Invalid reducer type")]
    [InlineData("TS.MRANGE - + FILTER a=1 GROUPBY a REDUCE last", "ERR TSDB: Invalid reducer type")]
    [InlineData("TS.MRANGE - + WITHLABELS COUNT 5", "ERR TSDB: missing FILTER argument")]
    [InlineData("TS.MRANGE - + FILTER a!=1", "ERR TSDB: please provide at least one matcher")]
    [InlineData("TS.MRANGE - + WITHLABELS SELECTED_LABELS a FILTER a=1", "ERR TSDB: cannot accept WITHLABELS and SELECT_LABELS together")]
    [InlineData("TS.MRANGE - + FILTER a=1 GROUPBY a", "ERR wrong number of arguments for 'ts.mrange' command")]
    [InlineData("TS.MRANGE - + FILTER a=1 GROUPBY a REDUCE twa", "ERR TSDB: Invalid reducer type")]
    [InlineData("TS.QUERYINDEX =x", "ERR TSDB: failed parsing labels")]
    [InlineData("TS.CREATERULE a a AGGREGATION avg 10", "ERR TSDB: the source key and destination key should be different")]
    [InlineData("TS.CREATERULE a b AGGREGATION avg 10", "ERR TSDB: the key does not exist")]
    [InlineData("TS.CREATERULE a b AGGREGATION avg -1", "ERR TSDB: bucketDuration must be greater than zero")]
    [InlineData("TS.INCRBY s x", "ERR TSDB: invalid increase/decrease value")]
    [InlineData("TS.ADD s 1", "ERR wrong number of arguments for 'ts.add' command")]
    [InlineData("TS.GET s NEWEST", "ERR TSDB: wrong 3rd argument")]
    [InlineData("TS.RANGE s - + ALIGN start AGGREGATION avg 10", "ERR TSDB: start alignment can only be used with explicit start timestamp")]
    [InlineData("TS.MRANGE 0 + ALIGN end AGGREGATION avg 10 FILTER a=1", "ERR TSDB: end alignment can only be used with explicit end timestamp")]
    public void MalformedArgumentsGetRedisTimeSeriesErrors(string command, string error)
    {
        Assert.Equal(error, _redis.Run(command));
    }

    [Fact]
    public void KeywordsAreCaseInsensitiveAndSpecialValuesParse()
    {
        Assert.Equal("1", _redis.Run("ts.add s 1 inf retention 10 labels a b"));
        Assert.Equal("2", _redis.Run("TS.ADD s 2 -INF"));
        Assert.Equal("3", _redis.Run("TS.ADD s 3 nan"));
        Assert.Equal("4", _redis.Run("TS.ADD s 4 1e-5"));
        Assert.Equal("[[1, inf], [2, -inf], [3, nan], [4, 1e-05]]", _redis.Run("TS.RANGE s - +"));
    }
}
