using Microsoft.Extensions.Logging;

namespace Cairn.Host.Logging;

/// <summary>Appends log lines to the logfile (one writer, flushed per line so a crash loses nothing already logged).</summary>
internal sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    public FileLoggerProvider(string path)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose() => _writer.Dispose();

    internal void Write(string line)
    {
        lock (_lock)
        {
            _writer.WriteLine(line);
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string text = $"{Environment.ProcessId}:M {DateTime.UtcNow:dd MMM yyyy HH:mm:ss.fff} {LevelMark(logLevel)} {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                text += Environment.NewLine + exception;
            }
            provider.Write(text);
        }

        private static char LevelMark(LogLevel level) => level switch
        {
            LogLevel.Trace or LogLevel.Debug => '.',
            LogLevel.Information => '*',
            _ => '#',
        };
    }
}
