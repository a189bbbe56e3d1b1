using System.Text;

namespace Cairn.Documents.Tests.Operations;

public sealed class JsonEdgeCaseTests
{
    private readonly InMemoryJsonKeyspace _db = new();

    private void Expect(string command, string reply) => Assert.Equal(reply, _db.Run(command));

    [Fact]
    public void NestedMatchesAreWrittenAndDeletedOnceAtTheTopMostLocation()
    {
        Expect("""JSON.SET doc $ '{"a":{"a":{"a":1}},"b":[{"a":2},{"a":3}]}'""", "OK");
        Expect("JSON.SET doc $..a 0", "OK");
        Expect("JSON.GET doc", "\"{\"a\":0,\"b\":[{\"a\":0},{\"a\":0}]}\"");
        Expect("""JSON.SET doc $ '{"a":{"a":{"a":1}},"b":[{"a":2},{"a":3}]}'""", "OK");
        Expect("JSON.DEL doc $..a", "3");
        Expect("JSON.GET doc", "\"{\"b\":[{},{}]}\"");
    }

    [Fact]
    public void DeletingSeveralArrayElementsRemovesTheRightOnes()
    {
        Expect("JSON.SET doc $ '[0,1,2,3,4,5]'", "OK");
        Expect("JSON.DEL doc $[0,2,4]", "3");
        Expect("JSON.GET doc", "\"[1,3,5]\"");
        Expect("JSON.DEL doc '$[?(@>2)]'", "2");
        Expect("JSON.GET doc", "\"[1]\"");
    }

    [Fact]
    public void FiltersApplyToObjectValuesToo()
    {
        Expect("""JSON.SET doc $ '{"x":{"n":1},"y":{"n":5},"z":{"n":9}}'""", "OK");
        Expect("JSON.GET doc '$[?(@.n>=5)].n'", "\"[5,9]\"");
        Expect("JSON.NUMINCRBY doc '$[?(@.n<5)].n' 10", "\"[11]\"");
    }

    [Fact]
    public void ValuesDeeperThanTheNestingLimitAreRejected()
    {
        string deep = new string('[', 129) + new string(']', 129);
        Assert.StartsWith("(error) recursion limit exceeded", _db.Run($"JSON.SET doc $ '{deep}'"), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidPathsReportJsonPathErrors()
    {
        Expect("JSON.SET doc $ 1", "OK");
        Assert.StartsWith("(error) JSON Path error:", _db.Run("JSON.GET doc '$.a[?(@.b=='"), StringComparison.Ordinal);
        Assert.StartsWith("(error) JSON Path error:", _db.Run("JSON.ARRLEN doc '$['"), StringComparison.Ordinal);
    }

    [Fact]
    public void UnicodeMemberNamesAndStringsRoundTrip()
    {
        Expect("""JSON.SET doc $ '{"名前":"太郎","e\u0301":"x"}'""", "OK");
        Expect("JSON.GET doc $.名前", "\"[\"太郎\"]\"");
        Expect("JSON.STRLEN doc .名前", "6"); // bytes, as RedisJSON counts
        Expect("JSON.OBJKEYS doc", "[\"名前\", \"e\u0301\"]");
        _ = Encoding.UTF8;
    }

    [Fact]
    public void IntegerOverflowFallsBackToDouble()
    {
        Expect("JSON.SET doc $ 9223372036854775807", "OK");
        Expect("JSON.NUMINCRBY doc $ 1", "\"[9.223372036854776e18]\"");
        Expect("JSON.TYPE doc", "\"number\"");
    }

    [Fact]
    public void Resp3RepliesUseNumbersForNumIncrByAndWrapType()
    {
        Expect("""JSON.SET doc $ '{"a":1,"b":"x"}'""", "OK");
        var args = new List<ReadOnlyMemory<byte>> { "doc"u8.ToArray(), "$.*"u8.ToArray(), "2"u8.ToArray() };
        Assert.Equal("[3, (nil)]", Cairn.Documents.Operations.JsonCommandDispatcher.Execute("JSON.NUMINCRBY", args, _db, resp3: true).ToString());
        var typeArgs = new List<ReadOnlyMemory<byte>> { "doc"u8.ToArray(), ".a"u8.ToArray() };
        Assert.Equal("[\"integer\"]", Cairn.Documents.Operations.JsonCommandDispatcher.Execute("JSON.TYPE", typeArgs, _db, resp3: true).ToString());
    }

    [Fact]
    public void WritesCannotNestDocumentsBeyondTheLimit()
    {
        string deep = new string('[', 100) + new string(']', 100);
        Expect($"JSON.SET doc $ '{{\"a\":{deep}}}'", "OK");
        Expect($"JSON.SET doc $.b '{deep}'", "OK");
        Expect($"JSON.SET doc $.a{string.Concat(Enumerable.Repeat("[0]", 90))} '{deep}'", "(error) ERR nested JSON exceeds the depth limit of 128");
        Expect($"JSON.ARRAPPEND doc $.a{string.Concat(Enumerable.Repeat("[0]", 90))} '{deep}'", "(error) ERR nested JSON exceeds the depth limit of 128");
        Expect($"JSON.MERGE doc $ '{{\"c\":{{\"d\":{deep}}}}}'", "OK");
    }

    [Fact]
    public void DeeplyNestedQueriesAndFiltersAreRejectedNotOverflowed()
    {
        Expect("JSON.SET doc $ '[1]'", "OK");
        string filter = "$[?(" + new string('(', 5000) + "@==1" + new string(')', 5000) + ")]";
        Assert.StartsWith("(error) JSON Path error:", _db.Run($"JSON.GET doc '{filter}'"), StringComparison.Ordinal);
        Assert.Equal("OK", _db.Ft("FT.CREATE idx ON JSON SCHEMA $.t AS t TAG"));
        Assert.StartsWith("(error) Query nesting too deep", _db.Ft($"FT.SEARCH idx '{new string('(', 5000)}@t:{{{{x}}}}{new string(')', 5000)}'"), StringComparison.Ordinal);
        Assert.StartsWith("(error) Query nesting too deep", _db.Ft($"FT.SEARCH idx '{new string('-', 5000)}@t:{{{{x}}}}'"), StringComparison.Ordinal);
        Assert.StartsWith("(error) Expression nesting too deep", _db.Ft($"FT.AGGREGATE idx * APPLY '{new string('(', 5000)}1{new string(')', 5000)}' AS x"), StringComparison.Ordinal);
    }
}
