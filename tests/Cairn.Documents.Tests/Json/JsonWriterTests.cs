using System.Text;
using Cairn.Documents.Json;

namespace Cairn.Documents.Tests.Json;

public sealed class JsonWriterTests
{
    private static string Format(string json, string indent, string newline, string space) =>
        JsonWriter.ToText(JsonParser.Parse(json), new JsonFormatOptions(Encoding.UTF8.GetBytes(indent), Encoding.UTF8.GetBytes(newline), Encoding.UTF8.GetBytes(space)));

    [Fact]
    public void IndentNewlineAndSpaceFormatLikeRedisJson()
    {
        Assert.Equal("{\n\t\"a\": 1,\n\t\"b\": [\n\t\t1,\n\t\t2\n\t],\n\t\"c\": {},\n\t\"d\": []\n}",
            Format("""{"a":1,"b":[1,2],"c":{},"d":[]}""", "\t", "\n", " "));
    }

    [Fact]
    public void NewlineWithoutIndentStillBreaksLines()
    {
        Assert.Equal("[\n1,\n2\n]", Format("[1,2]", "", "\n", ""));
    }

    [Fact]
    public void SpaceAloneOnlyFollowsColons()
    {
        Assert.Equal("{\"a\":  [1,2]}", Format("""{"a":[1,2]}""", "", "", "  "));
    }

    [Theory]
    [InlineData(3.0, "3.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e16, "1e16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "0.00001")]
    [InlineData(0.000001, "1e-6")]
    [InlineData(123.456, "123.456")]
    public void DoublesUseShortestRoundTripText(double value, string expected)
    {
        Assert.Equal(expected, JsonValue.Double(value).ToString());
    }
}
