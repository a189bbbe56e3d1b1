using Cairn.TimeSeries.Replies;

namespace Cairn.TimeSeries.Tests.Replies;

public sealed class ValueFormatterTests
{
    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(100.0, "100")]
    [InlineData(1e20, "1e+20")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123456789012345.0, "123456789012345")]
    [InlineData(1234567890123456.0, "1.23456789012346e+15")]
    [InlineData(0.1 + 0.2, "0.3")]
    [InlineData(1.7976931348623157e308, "1.79769313486232e+308")]
    [InlineData(5e-324, "4.94065645841247e-324")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void FormatsLikePrintfPercentPoint15G(double value, string expected)
    {
        Assert.Equal(expected, ValueFormatter.Format(value));
    }

    [Fact]
    public void InfoRepliesBecomeAMapUnderResp3()
    {
        var fields = new List<InfoField> { new("totalSamples", TsReply.FromInteger(3)) };
        Assert.Equal(TsReplyKind.Map, TsReplies.Info(fields, resp3: true).Kind);
        Assert.Equal("[totalSamples, 3]", TsReplies.Info(fields, resp3: false).ToString());
    }
}
