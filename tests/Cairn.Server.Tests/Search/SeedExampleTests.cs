using System.Diagnostics;
using Cairn.Server.Tests.Infrastructure;
using NRedisStack;
using NRedisStack.RedisStackCommands;
using NRedisStack.Search;
using NRedisStack.Search.Literals.Enums;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Search;

/// <summary>The README's "Documents" example, through raw commands, the redis-cli binary (RESP2 and -3) and NRedisStack.</summary>
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

    [Fact]
    public void ReadmeExampleThroughRedisCliInBothProtocols()
    {
        string port = _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("OK", RedisCli("-p", port, "-n", "3", "JSON.SET", "user:123", "$", User));
        Assert.Equal("OK", RedisCli("-p", port, "-n", "3", "FT.CREATE", "idx:users", "ON", "JSON", "PREFIX", "1", "user:", "SCHEMA",
            "$.name", "AS", "name", "TEXT", "$.address.city", "AS", "city", "TAG", "$.tags[*]", "AS", "tags", "TAG"));
        Assert.Equal("1\nuser:123\n$\n" + User,
            RedisCli("-p", port, "-n", "3", "FT.SEARCH", "idx:users", "@city:{New York} @tags:{premium}"));
        // redis-cli -3 prints a RESP3 map as "name value" lines (nested maps inline): RediSearch's map shape.
        string resp3 = RedisCli("-3", "-p", port, "-n", "3", "FT.SEARCH", "idx:users", "@city:{New York} @tags:{premium}");
        Assert.Equal(
            "attributes \nformat STRING\nresults id user:123\nextra_attributes $ " + User + "\nvalues \ntotal_results 1\nwarning ",
            resp3);
    }

    /// <summary>Runs the redis-cli binary (.ci/run installs redis-tools); output without a TTY is one value per line.</summary>
    private static string RedisCli(params string[] arguments)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-cli");
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "redis-cli did not finish");
        Assert.Equal(0, process.ExitCode);
        return output.Replace("\r", "", StringComparison.Ordinal).TrimEnd('\n');
    }
}
