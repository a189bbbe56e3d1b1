using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Rdb;

/// <summary>
/// A real redis-server (Debian's 7.0, which .ci/run installs) on a free loopback port with its own temporary directory,
/// no saving and no AOF. Stopped by its PID in <see cref="Dispose"/>; fails with a clear message when not installed.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly Process _process;
    private ConnectionMultiplexer? _multiplexer;

    public RedisServerProcess()
    {
        string executable = FindExecutable()
            ?? throw new InvalidOperationException(
                "redis-server is not installed: these interop tests need Debian's redis-server 7.0 (apt-get install redis-server; .ci/run installs it)");
        Directory = Path.Combine(Path.GetTempPath(), "cairn-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Port = FreePort();
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", Directory, "--enable-debug-command", "local",
        })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                _multiplexer = ConnectionMultiplexer.Connect($"127.0.0.1:{Port},allowAdmin=true,connectTimeout=2000,protocol=resp2"); // the tests read RESP2 shapes
                _multiplexer.GetDatabase().Ping();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                _multiplexer?.Dispose();
                _multiplexer = null;
                Thread.Sleep(100);
            }
        }
    }

    public int Port { get; }

    public string Directory { get; }

    public IDatabase Database(int db = 0) => _multiplexer!.GetDatabase(db);

    public void Dispose()
    {
        _multiplexer?.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private static string? FindExecutable()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            string candidate = Path.Combine(directory, "redis-server");
            if (directory.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
