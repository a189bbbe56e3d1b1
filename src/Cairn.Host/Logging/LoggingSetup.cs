using Cairn.Commands.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Cairn.Host.Logging;

/// <summary>Builds logging from loglevel/logfile (redis names): console by default, a file when logfile is set.</summary>
internal static class LoggingSetup
{
    public static ILoggerFactory Create(ServerConfig config) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(ToLevel(config.LogLevel));
        if (config.LogFile.Length > 0)
        {
            builder.AddProvider(new FileLoggerProvider(config.LogFile));
        }
        else
        {
            builder.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "dd MMM yyyy HH:mm:ss.fff ";
                options.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    });

    public static LogLevel ToLevel(string redisLevel) => redisLevel switch
    {
        "debug" => LogLevel.Debug,
        "verbose" => LogLevel.Debug,
        "notice" => LogLevel.Information,
        "warning" => LogLevel.Warning,
        "nothing" => LogLevel.None,
        _ => LogLevel.Information,
    };
}
