using System.Diagnostics;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Compatibility;

/// <summary>Debian's redis-cli and redis-benchmark against Cairn (.ci/run installs redis-tools).</summary>
public sealed class RedisToolsTests
{
    private static (int ExitCode, string Output) Run(string tool, string arguments, int timeoutMilliseconds = 120_000)
    {
        var start = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {arguments} did not finish");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void RedisCliTalksToCairn()
    {
        using var server = new TestServer();
        (int code, string output) = Run("redis-cli", $"-p {server.Port} ECHO hello-cli");
        Assert.Equal(0, code);
        Assert.Equal("hello-cli", output.Trim());
        (code, output) = Run("redis-cli", $"-p {server.Port} -3 HELLO 3");
        Assert.Equal(0, code);
        Assert.Contains("proto", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisBenchmarkRunsEveryDefaultTestWithoutError()
    {
        using var server = new TestServer();
        (int code, string output) = Run("redis-benchmark", $"-p {server.Port} -q -n 2000 -c 10 -P 4", 300_000);
        output = output.Replace('\r', '\n');
        Assert.True(code == 0, output);
        Assert.DoesNotContain("ERR", output, StringComparison.Ordinal);
        Assert.DoesNotContain("error", output, StringComparison.OrdinalIgnoreCase);
        foreach (string test in new[] { "PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN", "LRANGE_100", "MSET" })
        {
            Assert.Contains(test, output, StringComparison.Ordinal);
        }
    }
}
