using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>
/// A real `cairn` process (the Host build output next to the tests), for tests that must kill -9 a node. The port is
/// chosen by the OS (--port 0) and read from the start-up line. Only this process is ever signalled, by its PID.
/// </summary>
public sealed partial class NodeProcess : IDisposable
{
    private readonly Process _process;

    public NodeProcess(string dataDirectory, params string[] options)
    {
        string host = Path.Combine(AppContext.BaseDirectory, "cairn.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(host);
        foreach (string option in new[] { "--port", "0", "--dir", dataDirectory }.Concat(options))
        {
            start.ArgumentList.Add(option);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start cairn");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var output = new System.Text.StringBuilder();
        while (DateTime.UtcNow < deadline)
        {
            string? line = _process.StandardOutput.ReadLine();
            if (line is null)
            {
                throw new InvalidOperationException("cairn exited during start-up: " + output + _process.StandardError.ReadToEnd());
            }
            output.AppendLine(line);
            Match match = StartedLine().Match(line);
            if (match.Success)
            {
                Port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                _ = _process.StandardOutput.ReadToEndAsync(); // keep draining so the child never blocks on a full pipe
                return;
            }
        }
        Kill();
        throw new TimeoutException("cairn did not start: " + output);
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>Waits for the process to exit on its own (after SHUTDOWN); false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>SIGKILL: no clean shutdown, no flush.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    [GeneratedRegex(@"started: port (\d+)")]
    private static partial Regex StartedLine();
}
