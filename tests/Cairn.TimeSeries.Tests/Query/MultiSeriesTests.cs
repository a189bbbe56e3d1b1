namespace Cairn.TimeSeries.Tests.Query;

/// <summary>TS.MRANGE / TS.MREVRANGE / TS.MGET / TS.QUERYINDEX over the label index.</summary>
public sealed class MultiSeriesTests
{
    private readonly Commands _redis = new();

    public MultiSeriesTests()
    {
        _redis.Run("TS.CREATE cpu:1 LABELS type cpu host a region east");
        _redis.Run("TS.CREATE cpu:2 LABELS type cpu host b region west");
        _redis.Run("TS.CREATE cpu:3 LABELS type cpu host c");
        _redis.Run("TS.CREATE mem:1 LABELS type mem host a region east");
        _redis.Run("TS.MADD cpu:1 10 1 cpu:2 10 2 cpu:3 10 3 mem:1 10 100");
        _redis.Run("TS.MADD cpu:1 20 4 cpu:2 20 6 cpu:3 20 8 mem:1 20 200");
    }

    [Theory]
    [InlineData("type=cpu", "[cpu:1, cpu:2, cpu:3]")]
    [InlineData("type=cpu region=", "[cpu:3]")]
    [InlineData("type=cpu region!=", "[cpu:1, cpu:2]")]
    [InlineData("type=cpu region!=east", "[cpu:2, cpu:3]")]
    [InlineData("host=(a,b)", "[cpu:1, cpu:2, mem:1]")]
    [InlineData("host=(a,b) type!=(mem)", "[cpu:1, cpu:2]")]
    [InlineData("type=disk", "[]")]
    public void QueryIndexAppliesEveryMatcherKind(string filter, string expected)
    {
        Assert.Equal(expected, _redis.Run("TS.QUERYINDEX " + filter));
    }

    [Fact]
    public void MultiRangeRepliesPerSeriesWithSelectedLabels()
    {
        Assert.Equal("[[cpu:1, [], [[10, 1], [20, 4]]], [cpu:2, [], [[10, 2], [20, 6]]]]",
            _redis.Run("TS.MRANGE - + FILTER region!= type=cpu"));
        Assert.Equal("[[cpu:1, [[region, east], [type, cpu]], [[20, 4]]], [cpu:3, [[region, (nil)], [type, cpu]], [[20, 8]]]]",
            _redis.Run("TS.MREVRANGE - + COUNT 1 SELECTED_LABELS region type FILTER host=(a,c) type=cpu"));
        Assert.Equal("[[mem:1, [[type, mem], [host, a], [region, east]], [[0, 300]]]]",
            _redis.Run("TS.MRANGE - + AGGREGATION sum 100 WITHLABELS FILTER type=mem"));
    }

    [Fact]
    public void GroupByReducesSeriesSharingALabelValue()
    {
        Assert.Equal("[[type=cpu, [[type, cpu], [__reducer__, max], [__source__, cpu:1,cpu:2,cpu:3]], [[10, 3], [20, 8]]], "
            + "[type=mem, [[type, mem], [__reducer__, max], [__source__, mem:1]], [[10, 100], [20, 200]]]]",
            _redis.Run("TS.MRANGE - + WITHLABELS FILTER host=(a,b,c) GROUPBY type REDUCE max"));
        Assert.Equal("[[region=east, [], [[20, 204], [10, 101]]], [region=west, [], [[20, 6], [10, 2]]]]",
            _redis.Run("TS.MREVRANGE - + FILTER type=(cpu,mem) GROUPBY region REDUCE sum"));
    }

    [Fact]
    public void MultiGetReturnsEachSeriesLastSample()
    {
        _redis.Run("TS.CREATE empty LABELS type cpu");
        Assert.Equal("[[cpu:1, [], [20, 4]], [cpu:2, [], [20, 6]], [cpu:3, [], [20, 8]], [empty, [], []]]",
            _redis.Run("TS.MGET FILTER type=cpu"));
        Assert.Equal("[[mem:1, [[host, a]], [20, 200]]]", _redis.Run("TS.MGET SELECTED_LABELS host FILTER type=mem"));
    }

    [Fact]
    public void DeletedSeriesLeaveTheIndex()
    {
        Assert.Equal("1", _redis.Run("DEL cpu:2"));
        Assert.Equal("[cpu:1, cpu:3]", _redis.Run("TS.QUERYINDEX type=cpu"));
        Assert.Equal(3, _redis.Store.Index.Count);
    }

    [Fact]
    public void RenamedSeriesAreFoundUnderTheNewKey()
    {
        _redis.Keyspace.Rename("cpu:1"u8.ToArray(), "cpu:9"u8.ToArray());
        _redis.Store.OnKeyRenamed("cpu:1"u8.ToArray(), "cpu:9"u8.ToArray());
        Assert.Equal("[cpu:2, cpu:3, cpu:9]", _redis.Run("TS.QUERYINDEX type=cpu"));
        Assert.Equal("[[cpu:9, [], [20, 4]]]", _redis.Run("TS.MGET FILTER host=a type=cpu"));
    }
}
