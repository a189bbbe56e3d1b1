using Cairn.Documents.Json;
using Cairn.Documents.Path;

namespace Cairn.Documents.Tests.Path;

public sealed class JsonPathTests
{
    private static readonly JsonValue s_store = JsonParser.Parse("""
        {"store":{"book":[
          {"category":"reference","author":"Nigel Rees","title":"Sayings","price":8.95},
          {"category":"fiction","author":"Evelyn Waugh","title":"Sword","price":12.99},
          {"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553","price":8.99},
          {"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord","isbn":"0-395","price":22.99}],
         "bicycle":{"color":"red","price":19.95}},
         "expensive":10}
        """);

    private static string Select(string path) => JsonWriter.ToText(JsonValue.Array(JsonPathEvaluator.Select(s_store, JsonPathParser.Parse(path))), JsonFormatOptions.Compact);

    [Theory]
    [InlineData("$.store.book[*].author", """["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]""")]
    [InlineData("$..author", """["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]""")]
    [InlineData("$.store..price", """[8.95,12.99,8.99,22.99,19.95]""")]
    [InlineData("$..book[2].title", """["Moby Dick"]""")]
    [InlineData("$..book[-1].title", """["The Lord"]""")]
    [InlineData("$..book[0,1].title", """["Sayings","Sword"]""")]
    [InlineData("$..book[:2].title", """["Sayings","Sword"]""")]
    [InlineData("$..book[1:3].title", """["Sword","Moby Dick"]""")]
    [InlineData("$..book[::2].title", """["Sayings","Moby Dick"]""")]
    [InlineData("$..book[?(@.isbn)].title", """["Moby Dick","The Lord"]""")]
    [InlineData("$..book[?(@.price<10)].title", """["Sayings","Moby Dick"]""")]
    [InlineData("$..book[?(@.price > $.expensive)].title", """["Sword","The Lord"]""")]
    [InlineData("$..book[?(@.category=='fiction' && @.price < 10)].title", """["Moby Dick"]""")]
    [InlineData("$..book[?(@.category==\"reference\" || @.price > 20)].title", """["Sayings","The Lord"]""")]
    [InlineData("$..book[?(!(@.price > 9))].title", """["Sayings","Moby Dick"]""")]
    [InlineData("$..book[?(@.author =~ \"^J\\\\.\")].title", """["The Lord"]""")]
    [InlineData("$.store.bicycle['color','price']", """["red",19.95]""")]
    [InlineData("$.store.bicycle.*", """["red",19.95]""")]
    [InlineData("$.nothing", "[]")]
    [InlineData("$.expensive[0]", "[]")]
    [InlineData("$", "")]
    public void SelectsLikeJsonPathRs(string path, string expected)
    {
        if (expected.Length == 0)
        {
            Assert.Single(JsonPathEvaluator.Select(s_store, JsonPathParser.Parse(path)));
            return;
        }
        Assert.Equal(expected, Select(path));
    }

    [Theory]
    [InlineData("$", false, "$")]
    [InlineData(".", true, "$")]
    [InlineData(".a.b", true, "$.a.b")]
    [InlineData("a.b", true, "$.a.b")]
    [InlineData("$.a", false, "$.a")]
    [InlineData("$a", true, "$.$a")]
    [InlineData("[0]", true, "$.[0]")]
    public void DecidesTheDialectFromTheText(string text, bool legacy, string normalized)
    {
        Assert.Equal(legacy, JsonPath.IsLegacyText(text));
        Assert.Equal(normalized, JsonPath.NormalizeLegacy(text));
    }

    [Theory]
    [InlineData("$.")]
    [InlineData("$[")]
    [InlineData("$.a[?(@.b ==)]")]
    [InlineData("$[1:2:0]")]
    public void RejectsMalformedPathsWithJsonPathError(string text)
    {
        Assert.False(JsonPathParser.TryParse(text, out _, out string error));
        Assert.StartsWith("JSON Path error:", error, StringComparison.Ordinal);
    }
}
