namespace Cairn.Documents.Tests.Operations;

/// <summary>Command transcripts with the replies RedisJSON 2.x gives (redis-cli rendering: strings quoted, arrays in brackets).</summary>
public sealed class JsonCommandTranscriptTests
{
    private readonly InMemoryJsonKeyspace _db = new();

    private void Expect(string command, string reply) => Assert.Equal(reply, _db.Run(command));

    [Fact]
    public void SetAndGetTheSeedDocument()
    {
        Expect("""JSON.SET user:123 $ '{"name":"John Doe","email":"john@example.com","address":{"city":"New York","zip":"10001"},"tags":["premium","verified"]}'""", "OK");
        Expect("JSON.GET user:123 $.address.city", "\"[\"New York\"]\"");
        Expect("JSON.GET user:123 .address.city", "\"\"New York\"\"");
        Expect("JSON.GET user:123 address.zip", "\"\"10001\"\"");
        Expect("JSON.GET user:123 $.tags[*]", "\"[\"premium\",\"verified\"]\"");
        Expect("JSON.GET user:123 $.missing", "\"[]\"");
        Expect("JSON.GET user:123 .missing", "(error) ERR Path '$.missing' does not exist");
        Expect("JSON.GET nokey $", "(nil)");
    }

    [Fact]
    public void SetOnMissingKeyOnlyAtRootAndHonoursNxXx()
    {
        Expect("JSON.SET doc $.a 1", "(error) ERR new objects must be created at the root");
        Expect("JSON.SET doc $ 1 XX", "(nil)");
        Expect("""JSON.SET doc $ '{"a":1}' NX""", "OK");
        Expect("JSON.SET doc $ 2 NX", "(nil)");
        Expect("JSON.SET doc $.a 2 NX", "(nil)");
        Expect("JSON.SET doc $.b 2 XX", "(nil)");
        Expect("JSON.SET doc $.b 2 NX", "OK");
        Expect("JSON.SET doc $.a 3 XX", "OK");
        Expect("JSON.GET doc", "\"{\"a\":3,\"b\":2}\"");
        Expect("JSON.SET doc $.x.y 1", "(nil)");
        Expect("JSON.SET doc $..z 1", "(error) Err wrong static path");
        Expect("JSON.SET doc $ 1 NX XX", "(error) ERR syntax error");
        Expect("JSON.SET doc $ '{\"a\":'", "(error) EOF while parsing a value at line 1 column 5");
    }

    [Fact]
    public void SetOnArrayIndexOutOfRangeFails()
    {
        Expect("JSON.SET doc $ '[1,2]'", "OK");
        Expect("JSON.SET doc $[5] 1", "(error) ERR array index out of range");
        Expect("JSON.SET doc $[-1] 9", "OK");
        Expect("JSON.GET doc", "\"[1,9]\"");
    }

    [Fact]
    public void SetWithWildcardReplacesEveryMatch()
    {
        Expect("""JSON.SET doc $ '{"a":{"x":1},"b":{"x":2},"c":3}'""", "OK");
        Expect("JSON.SET doc $..x 0", "OK");
        Expect("JSON.GET doc", "\"{\"a\":{\"x\":0},\"b\":{\"x\":0},\"c\":3}\"");
    }

    [Fact]
    public void GetWithSeveralPathsReturnsAnObjectKeyedByPath()
    {
        Expect("""JSON.SET doc $ '{"a":1,"b":{"a":2}}'""", "OK");
        Expect("JSON.GET doc .a .b", "\"{\".a\":1,\".b\":{\"a\":2}}\"");
        Expect("JSON.GET doc $..a .b", "\"{\"$..a\":[1,2],\".b\":[{\"a\":2}]}\"");
        Expect("JSON.GET doc .a .nope", "(error) ERR Path '.nope' does not exist");
        Expect("JSON.GET doc INDENT '  ' NEWLINE '\n' SPACE ' ' .b", "\"{\n  \"a\": 2\n}\"");
    }

    [Fact]
    public void DelRemovesMatchesAndRootDeletesTheKey()
    {
        Expect("""JSON.SET doc $ '{"a":[1,2,3,4],"b":{"a":1}}'""", "OK");
        Expect("JSON.DEL doc $.a[1,3]", "2");
        Expect("JSON.GET doc $.a", "\"[[1,3]]\"");
        Expect("JSON.DEL doc $..a", "2");
        Expect("JSON.GET doc", "\"{\"b\":{}}\"");
        Expect("JSON.FORGET doc $.zzz", "0");
        Expect("JSON.DEL doc", "1");
        Assert.False(_db.Exists("doc"));
        Expect("JSON.DEL doc", "0");
    }

    [Fact]
    public void TypeNamesMatchRedisJson()
    {
        Expect("""JSON.SET doc $ '{"i":1,"d":1.5,"s":"x","b":true,"n":null,"a":[],"o":{}}'""", "OK");
        Expect("JSON.TYPE doc", "\"object\"");
        Expect("JSON.TYPE doc $.*", "[\"integer\", \"number\", \"string\", \"boolean\", \"null\", \"array\", \"object\"]");
        Expect("JSON.TYPE doc .nope", "(nil)");
        Expect("JSON.TYPE doc $.nope", "[]");
        Expect("JSON.TYPE nokey", "(nil)");
    }

    [Fact]
    public void NumIncrByKeepsIntegersAndRepliesWithJsonText()
    {
        Expect("""JSON.SET doc $ '{"a":1,"b":{"a":2.5},"c":"x"}'""", "OK");
        Expect("JSON.NUMINCRBY doc $..a 2", "\"[3,4.5]\"");
        Expect("JSON.NUMINCRBY doc .a 1.5", "\"4.5\"");
        Expect("JSON.NUMMULTBY doc $.b.a 2", "\"[9.0]\"");
        Expect("JSON.NUMINCRBY doc $.c 1", "\"[null]\"");
        Expect("JSON.NUMINCRBY doc .c 1", "(error) ERR Path '$.c' does not exist or does not contains a number");
        Expect("JSON.NUMINCRBY doc .a x", "(error) expected value at line 1 column 1");
        Expect("JSON.NUMINCRBY nokey .a 1", "(error) ERR could not perform this operation on a key that doesn't exist");
    }

    [Fact]
    public void ToggleFlipsBooleans()
    {
        Expect("""JSON.SET doc $ '{"a":true,"b":1}'""", "OK");
        Expect("JSON.TOGGLE doc $.*", "[0, (nil)]");
        Expect("JSON.TOGGLE doc .a", "\"true\"");
        Expect("JSON.TOGGLE doc .b", "(error) ERR Path '$.b' does not exist or not a bool");
    }

    [Fact]
    public void StringAppendAndLength()
    {
        Expect("""JSON.SET doc $ '{"a":"foo","b":2}'""", "OK");
        Expect("JSON.STRAPPEND doc $.* '\"bar\"'", "[6, (nil)]");
        Expect("JSON.STRAPPEND doc .a '\"é\"'", "8");
        Expect("JSON.STRLEN doc $.*", "[8, (nil)]");
        Expect("JSON.STRLEN doc .b", "(error) WRONGTYPE wrong type of path value - expected string but found integer");
        Expect("JSON.STRAPPEND doc .a 1", "(error) WRONGTYPE wrong type of path value - expected string but found 1");
        Expect("JSON.STRLEN nokey", "(nil)");
        Expect("JSON.STRLEN nokey $", "(error) ERR could not perform this operation on a key that doesn't exist");
    }

    [Fact]
    public void ArrayCommands()
    {
        Expect("""JSON.SET doc $ '{"a":[1],"b":{"a":"x"}}'""", "OK");
        Expect("JSON.ARRAPPEND doc $..a 2 3", "[3, (nil)]");
        Expect("JSON.ARRAPPEND doc .b 1", "(error) ERR Path '.b' does not exist or not an array");
        Expect("JSON.ARRINSERT doc $.a 0 0", "[4]");
        Expect("JSON.ARRINSERT doc .a -1 '\"x\"'", "5");
        Expect("JSON.ARRINSERT doc .a 9 1", "(error) ERR index out of bounds");
        Expect("JSON.GET doc .a", "\"[0,1,2,\"x\",3]\"");
        Expect("JSON.ARRINDEX doc $.a 2", "[2]");
        Expect("JSON.ARRINDEX doc .a '\"x\"'", "3");
        Expect("JSON.ARRINDEX doc .a 2.0", "-1");
        Expect("JSON.ARRINDEX doc .a 0 1", "-1");
        Expect("JSON.ARRINDEX doc .b 1", "(error) WRONGTYPE wrong type of path value - expected array but found object");
        Expect("JSON.ARRLEN doc $..a", "[5, (nil)]");
        Expect("JSON.ARRLEN doc .b", "(error) ERR Path '.b' does not exist or not an array");
        Expect("JSON.ARRPOP doc $.a", "[\"3\"]");
        Expect("JSON.ARRPOP doc .a 0", "\"0\"");
        Expect("JSON.ARRPOP doc .a 99", "\"\"x\"\"");
        Expect("JSON.ARRTRIM doc $.a 1 1", "[1]");
        Expect("JSON.GET doc .a", "\"[2]\"");
        Expect("JSON.ARRTRIM doc .a 5 9", "0");
        Expect("JSON.ARRPOP doc .a", "(nil)");
        Expect("JSON.ARRLEN nokey", "(nil)");
    }

    [Fact]
    public void ObjectCommands()
    {
        Expect("""JSON.SET doc $ '{"a":{"x":1,"y":2},"b":3}'""", "OK");
        Expect("JSON.OBJKEYS doc", "[\"a\", \"b\"]");
        Expect("JSON.OBJKEYS doc $.*", "[[\"x\", \"y\"], (nil)]");
        Expect("JSON.OBJKEYS doc .b", "(error) ERR Path '$.b' does not exist or not an object");
        Expect("JSON.OBJLEN doc $.a", "[2]");
        Expect("JSON.OBJLEN doc .b", "(error) WRONGTYPE wrong type of path value - expected object but found integer");
        Expect("JSON.OBJLEN doc .nope", "(nil)");
        Expect("JSON.OBJLEN nokey $", "(error) ERR Path '$' does not exist or not an object");
    }

    [Fact]
    public void ClearEmptiesContainersAndZeroesNumbers()
    {
        Expect("""JSON.SET doc $ '{"a":[1],"b":{"c":1},"n":5,"s":"x","e":[]}'""", "OK");
        Expect("JSON.CLEAR doc $.*", "3");
        Expect("JSON.GET doc", "\"{\"a\":[],\"b\":{},\"n\":0,\"s\":\"x\",\"e\":[]}\"");
        Expect("JSON.CLEAR doc $.s", "0");
        Expect("JSON.CLEAR doc", "1");
        Expect("JSON.GET doc", "\"{}\"");
        Expect("JSON.CLEAR nokey", "(error) ERR could not perform this operation on a key that doesn't exist");
    }

    [Fact]
    public void MergeFollowsRfc7396()
    {
        Expect("""JSON.SET doc $ '{"a":{"b":1,"c":2},"d":[1]}'""", "OK");
        Expect("""JSON.MERGE doc $ '{"a":{"b":null,"e":3},"d":[2]}'""", "OK");
        Expect("JSON.GET doc", "\"{\"a\":{\"c\":2,\"e\":3},\"d\":[2]}\"");
        Expect("JSON.MERGE doc $.a.c null", "OK");
        Expect("JSON.MERGE doc $.f 7", "OK");
        Expect("JSON.GET doc", "\"{\"a\":{\"e\":3},\"d\":[2],\"f\":7}\"");
        Expect("JSON.MERGE nokey $.a 1", "(error) ERR new objects must be created at the root");
    }

    [Fact]
    public void MSetAndMGet()
    {
        Expect("""JSON.MSET a $ '{"x":1}' b $ '{"x":2}'""", "OK");
        Expect("JSON.MSET a $.x 5 c $.x 1", "(error) ERR new objects must be created at the root");
        Expect("JSON.GET a .x", "\"1\"");
        Expect("JSON.MGET a b c $.x", "[\"[1]\", \"[2]\", (nil)]");
        Expect("JSON.MGET a b c .x", "[\"1\", \"2\", (nil)]");
    }

    [Fact]
    public void WrongTypeKeysAreRefused()
    {
        _db.SetString("s", "v");
        Expect("JSON.GET s", "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
        Expect("JSON.SET s $ 1", "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    [Fact]
    public void RespRendersContainersWithMarkers()
    {
        Expect("""JSON.SET doc $ '{"a":[1,true,null,"s",1.5]}'""", "OK");
        Expect("JSON.RESP doc", "[{, \"a\", [[, 1, true, (nil), \"s\", 1.5]]");
        Expect("JSON.RESP doc $.a[0]", "[1]");
    }

    [Fact]
    public void DebugMemoryReportsBytes()
    {
        Expect("""JSON.SET doc $ '{"a":"xxxxxxxxxx"}'""", "OK");
        Assert.True(long.Parse(_db.Run("JSON.DEBUG MEMORY doc"), System.Globalization.CultureInfo.InvariantCulture) > 10);
        Expect("JSON.DEBUG MEMORY nokey", "0");
        Expect("JSON.DEBUG NOPE", "(error) ERR unknown subcommand - try `JSON.DEBUG HELP`");
    }
}
