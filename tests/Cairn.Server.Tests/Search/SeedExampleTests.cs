using Cairn.Server.Tests.Infrastructure;
using NRedisStack;
using NRedisStack.RedisStackCommands;
using NRedisStack.Search;
using NRedisStack.Search.Literals.Enums;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Search;

/// <summary>The README's "Documents" example, through redis-cli-style raw commands and through NRedisStack.</summary>
public sealed class SeedExampleTests : IClassFixture<SeedExampleTests.Fixture>
{
    private const string User = """{"name":"John Doe","email":"john@example.com","address":{"city":"New York","zip":"10001"},"tags":["premium","verified"]}""";
    private readonly TestServer _server;

    public SeedExampleTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void ReadmeExampleThroughRawCommands()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("SELECT", "1"));
        Assert.Equal("+OK", client.Execute("JSON.SET", "user:123", "$", User));
        Assert.Equal("+OK", client.Execute("JSON.SET", "user:456", "$",
            """{"name":"Jane Roe","email":"jane@example.com","address":{"city":"Boston","zip":"02101"},"tags":["premium"]}"""));
        Assert.Equal("+OK", client.Execute("FT.CREATE", "idx:users", "ON", "JSON", "PREFIX", "1", "user:", "SCHEMA",
            "$.name", "AS", "name", "TEXT", "$.address.city", "AS", "city", "TAG", "$.tags[*]", "AS", "tags", "TAG"));
        Assert.Equal("[:1, user:123, [$, " + User + "]]",
            client.Execute("FT.SEARCH", "idx:users", "@city:{New York} @tags:{premium}"));
        Assert.Equal("+ReJSON-RL", client.Execute("TYPE", "user:123"));
    }

    [Fact]
    public void ReadmeExampleThroughNRedisStack()
    {
        IDatabase db = _server.Database(2);
        JsonCommands json = db.JSON();
        SearchCommands ft = db.FT();
        Assert.True(json.Set("user:123", "$", User));
        Assert.True(json.Set("user:789", "$", """{"name":"Max","address":{"city":"New York"},"tags":["verified"]}"""));
        Assert.True(ft.Create("users", new FTCreateParams().On(IndexDataType.JSON).Prefix("user:"), new Schema()
            .AddTextField(new FieldName("$.name", "name"))
            .AddTagField(new FieldName("$.address.city", "city"))
            .AddTagField(new FieldName("$.tags[*]", "tags"))));
        SearchResult result = ft.Search("users", new Query("@city:{New York} @tags:{premium}"));
        Assert.Equal(1, result.TotalResults);
        Assert.Equal("user:123", result.Documents[0].Id);
        Assert.Equal(User, result.Documents[0]["json"].ToString());
    }
}
