using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Search;

/// <summary>
/// Error replies of JSON.* and FT.* byte for byte, each checked against RedisJSON (commands.rs, key_value.rs,
/// manager.rs) or RediSearch 2.8 (module.c, info_command.c, aggregate_exec.c, param.c, aggregate_request.c) as cited.
/// Raw RESP so the whole '-' line is compared.
/// </summary>
public sealed class DocumentErrorTextTests : IClassFixture<DocumentErrorTextTests.Fixture>
{
    private readonly TestServer _server;

    public DocumentErrorTextTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private RawClient Json(string database)
    {
        RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("SELECT", database));
        Assert.Equal("+OK", client.Execute("SET", "str", "x"));
        Assert.Equal("+OK", client.Execute("JSON.SET", "doc", "$", """{"a":1,"s":"x","arr":[1,2],"o":{"b":true}}"""));
        return client;
    }

    private RawClient Search(string database)
    {
        RawClient client = Json(database);
        Assert.Equal("+OK", client.Execute("FT.CREATE", "idx", "ON", "JSON", "PREFIX", "1", "doc", "SCHEMA",
            "$.a", "AS", "a", "NUMERIC", "$.s", "AS", "s", "TAG"));
        return client;
    }

    [Fact]
    public void JsonSetOutsideTheRootOfAMissingKeyAndPastTheEndOfAnArray()
    {
        using RawClient client = Json("1");
        // commands.rs json_set: "ERR new objects must be created at the root"; key_value.rs find_add_paths.
        Assert.Equal("-ERR new objects must be created at the root", client.Execute("JSON.SET", "nokey", "$.a", "1"));
        Assert.Equal("-ERR new objects must be created at the root", client.Execute("JSON.MERGE", "nokey", "$.a", "1"));
        Assert.Equal("-ERR array index out of range", client.Execute("JSON.SET", "doc", "$.arr[5]", "1"));
        Assert.Equal("-ERR syntax error", client.Execute("JSON.SET", "doc", "$", "1", "NX", "XX"));
        // serde_json's message is what RedisJSON replies for invalid JSON.
        Assert.Equal("-expected value at line 1 column 1", client.Execute("JSON.SET", "doc", "$", "?"));
    }

    [Fact]
    public void JsonLegacyPathsNameTheRewrittenPathWhenMissing()
    {
        using RawClient client = Json("2");
        // key_value.rs get_first: err_msg_json_path_doesnt_exist_with_param(path) over the $-form of a legacy path.
        Assert.Equal("-ERR Path '$.nope' does not exist", client.Execute("JSON.GET", "doc", ".nope"));
        Assert.Equal("-ERR Path '$.nope' does not exist", client.Execute("JSON.RESP", "doc", ".nope"));
        // commands.rs json_num_op_legacy: "does not contains a number" (sic).
        Assert.Equal("-ERR Path '$.s' does not exist or does not contains a number", client.Execute("JSON.NUMINCRBY", "doc", ".s", "1"));
        Assert.Equal("-ERR Path '$.a' does not exist or not a string", client.Execute("JSON.STRAPPEND", "doc", ".a", "\"x\""));
        Assert.Equal("-ERR Path '$.a' does not exist or not a bool", client.Execute("JSON.TOGGLE", "doc", ".a"));
        // json_arr_append_legacy names the path as given (path.get_original()).
        Assert.Equal("-ERR Path '.a' does not exist or not an array", client.Execute("JSON.ARRAPPEND", "doc", ".a", "1"));
        // json_arr_index on a missing key: the original path.
        Assert.Equal("-ERR Path '.a' does not exist", client.Execute("JSON.ARRINDEX", "nokey", ".a", "1"));
    }

    [Fact]
    public void JsonWrongTypesAndMissingKeys()
    {
        using RawClient client = Json("3");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", client.Execute("JSON.GET", "str"));
        // manager.rs / key_value.rs err_msg_json_expected.
        Assert.Equal("-WRONGTYPE wrong type of path value - expected string but found integer", client.Execute("JSON.STRLEN", "doc", ".a"));
        Assert.Equal("-WRONGTYPE wrong type of path value - expected object but found integer", client.Execute("JSON.OBJLEN", "doc", ".a"));
        // RedisError::nonexistent_key.
        Assert.Equal("-ERR could not perform this operation on a key that doesn't exist", client.Execute("JSON.NUMINCRBY", "nokey", "$.a", "1"));
        Assert.Equal("-ERR could not perform this operation on a key that doesn't exist", client.Execute("JSON.ARRAPPEND", "nokey", "$", "1"));
        Assert.Equal("-ERR index out of bounds", client.Execute("JSON.ARRINSERT", "doc", ".arr", "9", "1"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("JSON.ARRINSERT", "doc", ".arr", "x", "1"));
        Assert.Equal("-ERR unknown subcommand - try `JSON.DEBUG HELP`", client.Execute("JSON.DEBUG", "FOO"));
        Assert.Equal("-ERR wrong number of arguments for 'json.arrindex' command", client.Execute("JSON.ARRINDEX", "doc", ".arr", "1", "0", "0", "9"));
    }

    [Fact]
    public void FtIndexLookupsUseEachCommandsOwnText()
    {
        using RawClient client = Search("4");
        // aggregate_exec.c buildRequest (2.8): "%s: no such index" for FT.SEARCH, FT.AGGREGATE and FT.EXPLAIN.
        Assert.Equal("-nope: no such index", client.Execute("FT.SEARCH", "nope", "*"));
        Assert.Equal("-nope: no such index", client.Execute("FT.AGGREGATE", "nope", "*"));
        Assert.Equal("-nope: no such index", client.Execute("FT.EXPLAIN", "nope", "x"));
        // info_command.c IndexInfoCommand (2.8): lower-case "index".
        Assert.Equal("-Unknown index name", client.Execute("FT.INFO", "nope"));
        // module.c DropIndexCommand and TagValsCommand: capital "Index"; TAGVALS' field errors name no field.
        Assert.Equal("-Unknown Index name", client.Execute("FT.DROPINDEX", "nope"));
        Assert.Equal("-Unknown Index name", client.Execute("FT.TAGVALS", "nope", "s"));
        Assert.Equal("-No such field", client.Execute("FT.TAGVALS", "idx", "zz"));
        Assert.Equal("-Not a tag field", client.Execute("FT.TAGVALS", "idx", "a"));
        Assert.Equal("-Index already exists", client.Execute("FT.CREATE", "idx", "ON", "JSON", "SCHEMA", "$.a", "AS", "a", "NUMERIC"));
    }

    [Fact]
    public void FtQueryAndPipelineErrors()
    {
        using RawClient client = Search("5");
        Assert.Equal("-Syntax error at offset 4 near ", client.Execute("FT.SEARCH", "idx", "(foo"));
        // param.c Param_DictGet: a $name that PARAMS does not define.
        Assert.Equal("-No such parameter `p`", client.Execute("FT.SEARCH", "idx", "@s:{$p}"));
        Assert.Equal("-No such parameter `lo`", client.Execute("FT.SEARCH", "idx", "@a:[$lo 5]", "PARAMS", "2", "hi", "5"));
        Assert.Equal("-Property `zz` not loaded nor in schema", client.Execute("FT.SEARCH", "idx", "*", "SORTBY", "zz"));
        Assert.Equal("-Unknown argument `FOO` at position 2 for <main>", client.Execute("FT.SEARCH", "idx", "*", "FOO"));
        Assert.Equal("-Bad arguments for LIMIT: Expected an argument", client.Execute("FT.SEARCH", "idx", "*", "LIMIT", "0"));
        // aggregate_request.c buildGroupRP: QUERY_ENOREDUCER.
        Assert.Equal("-No such reducer: FOO", client.Execute("FT.AGGREGATE", "idx", "*", "GROUPBY", "1", "@s", "REDUCE", "FOO", "0"));
        // An aggregate SORTBY key nothing in the pipeline provides.
        Assert.Equal("-Property `zz` not loaded nor in pipeline", client.Execute("FT.AGGREGATE", "idx", "*", "SORTBY", "1", "@zz"));
        Assert.Equal("-Property `a` not loaded nor in pipeline",
            client.Execute("FT.AGGREGATE", "idx", "*", "GROUPBY", "1", "@s", "SORTBY", "1", "@a"));
        Assert.Equal("[:1, [s, x, n, 1]]",
            client.Execute("FT.AGGREGATE", "idx", "*", "GROUPBY", "1", "@s", "REDUCE", "COUNT", "0", "AS", "n", "SORTBY", "2", "@n", "DESC"));
    }
}
