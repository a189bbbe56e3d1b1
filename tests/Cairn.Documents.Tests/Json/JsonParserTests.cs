using System.Text;
using Cairn.Documents.Json;

namespace Cairn.Documents.Tests.Json;

public sealed class JsonParserTests
{
    private static string Error(string text)
    {
        Assert.False(JsonParser.TryParse(Encoding.UTF8.GetBytes(text), out _, out string error));
        return error;
    }

    private static string RoundTrip(string text) => JsonParser.Parse(text).ToString();

    [Fact]
    public void ParsesTheSeedDocumentAndWritesItBackCompactly()
    {
        const string Seed = """{"name":"John Doe","email":"john@example.com","address":{"city":"New York","zip":"10001"},"tags":["premium","verified"]}""";
        Assert.Equal(Seed, RoundTrip(Seed));
        Assert.Equal(Seed, RoundTrip(Seed.Replace(",", " , ", StringComparison.Ordinal).Replace(":", " :\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void KeepsIntegersAndDoublesApart()
    {
        var value = JsonParser.Parse("[1, 1.0, -0, 1e2, 9223372036854775807, 9223372036854775808, 0.1, 1.5e-7, 1e21, 123456789012345680000]");
        Assert.Equal(JsonKind.Integer, value.Items[0].Kind);
        Assert.Equal(JsonKind.Double, value.Items[1].Kind);
        Assert.Equal("[1,1.0,0,100.0,9223372036854775807,9.223372036854776e18,0.1,1.5e-7,1e21,1.2345678901234568e20]", value.ToString());
    }

    [Fact]
    public void ObjectsKeepInsertionOrderAndLaterDuplicatesReplaceInPlace()
    {
        Assert.Equal("""{"b":3,"a":2}""", RoundTrip("""{"b":1,"a":2,"b":3}"""));
    }

    [Fact]
    public void DecodesEscapesAndWritesOnlyNecessaryOnes()
    {
        Assert.Equal("\"a\\\"b\\\\c\\nd/é😀\\u0001\"", RoundTrip("\"a\\\"b\\\\c\\nd\\/\\u00e9\\ud83d\\ude00\\u0001\""));
    }

    [Theory]
    [InlineData("", "EOF while parsing a value at line 1 column 0")]
    [InlineData("{", "EOF while parsing an object at line 1 column 1")]
    [InlineData("[1,2", "EOF while parsing a list at line 1 column 4")]
    [InlineData("x", "expected value at line 1 column 1")]
    [InlineData("[1 2]", "expected `,` or `]` at line 1 column 4")]
    [InlineData("{\"a\" 1}", "expected `:` at line 1 column 6")]
    [InlineData("{1:2}", "key must be a string at line 1 column 2")]
    [InlineData("1 2", "trailing characters at line 1 column 3")]
    [InlineData("[1,]", "trailing comma at line 1 column 4")]
    [InlineData("\"abc", "EOF while parsing a string at line 1 column 4")]
    [InlineData("01", "invalid number at line 1 column 2")]
    public void ReportsSerdeStyleErrors(string text, string expected)
    {
        Assert.Equal(expected, Error(text));
    }

    [Fact]
    public void RejectsNestingDeeperThan128()
    {
        Assert.True(JsonParser.TryParse(Encoding.UTF8.GetBytes(new string('[', 128) + new string(']', 128)), out _, out _));
        Assert.StartsWith("recursion limit exceeded", Error(new string('[', 129) + new string(']', 129)), StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsControlCharactersInStrings()
    {
        Assert.StartsWith("control character", Error("\"a\nb\""), StringComparison.Ordinal);
    }

    [Fact]
    public void WideObjectsKeepOrderUniquenessAndLookupsThroughRemovals()
    {
        var text = new System.Text.StringBuilder("{");
        for (int i = 0; i < 1000; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("\"k").Append(i).Append("\":").Append(i);
        }
        text.Append(",\"k500\":-1}");
        var value = JsonParser.Parse(text.ToString());
        Assert.Equal(1000, value.Count);
        Assert.Equal(-1, value.GetMember("k500")!.IntegerValue);
        Assert.Equal("k500", Encoding.UTF8.GetString(value.Members[500].Name));
        Assert.True(value.RemoveMember("k10"u8));
        Assert.Equal(999, value.GetMember("k999")!.IntegerValue);
        Assert.Null(value.GetMember("k10"));
        value.SetMember("k10", JsonValue.Integer(10));
        Assert.Equal("k10", Encoding.UTF8.GetString(value.Members[^1].Name));
        Assert.Equal(10, value.GetMember("k10")!.IntegerValue);
        Assert.Equal(11, value.GetMember("k11")!.IntegerValue);
    }
}
