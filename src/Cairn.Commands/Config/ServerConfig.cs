using System.Globalization;
using System.Text;
using Cairn.Primitives;

namespace Cairn.Commands.Config;

/// <summary>
/// The node's configuration under redis.conf names: read from a redis.conf-style file and the command line, and changed
/// at run time by CONFIG SET (validated first, all-or-nothing). Thread safety: read anywhere (values are single fields),
/// written under the store lock.
/// </summary>
public sealed partial class ServerConfig
{
    private readonly Dictionary<string, ConfigOption> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ConfigOption> _ordered = [];

    public ServerConfig()
    {
        Register();
        RegisterCluster();
    }

    /// <summary>The file the configuration was read from (CONFIG REWRITE writes it back), or null.</summary>
    public string? ConfigFile { get; set; }

    public IReadOnlyList<ConfigOption> Options => _ordered;

    // Network and process.
    public int Port { get; set; } = 6379;
    public string Bind { get; set; } = "127.0.0.1";
    public string Dir { get; set; } = "./data";
    public string RequirePass { get; set; } = "";
    public int Databases { get; set; } = 16;
    public long TimeoutSeconds { get; set; }
    public int MaxClients { get; set; } = 10000;
    public string LogLevel { get; set; } = "notice";
    public string LogFile { get; set; } = "";
    public long TcpKeepAliveSeconds { get; set; } = 300;
    public int Hz { get; set; } = 10;
    public string EventLoop { get; set; } = "epoll";
    /// <summary>
    /// io-threads: how many epoll loops serve client sockets. Unless set, <see cref="DefaultIoThreads"/> of the processor
    /// count and of whether this node is in a cluster (read when the server starts, after the configuration is loaded).
    /// </summary>
    public int IoThreads
    {
        get => _ioThreads ?? DefaultIoThreads(Environment.ProcessorCount, ClusterEnabled);
        set => _ioThreads = value;
    }

    private int? _ioThreads;

    /// <summary>
    /// One loop fewer than the processors (at least one, at most 8) for a standalone node; one per processor (at most 8)
    /// for a cluster node. On two cores with the benchmark client beside the server, two loops that
    /// share the cores with each other and the client switched 0.46-0.55 times per request under LRANGE -c 50 against
    /// 0.012-0.016 for one loop, and one loop ran -c 50 LPUSH 5% and LRANGE 14% faster, -P16 level (bench/README.md,
    /// "Session 19"). The spare core takes the kernel's network work, the AOF and snapshot threads and the GC, as
    /// Redis advises for its I/O threads. A cluster node keeps its second loop for peer traffic: with one loop its
    /// coordinator capped GET at 22.7k requests/s against 27.9k (docs/cluster.md).
    /// </summary>
    public static int DefaultIoThreads(int processorCount, bool clusterEnabled) =>
        clusterEnabled ? Math.Clamp(processorCount, 1, 8) : Math.Clamp(processorCount - 1, 1, 8);

    /// <summary>
    /// event-loop-poll-us (Cairn's own; the epoll loops only): after a turn, a loop polls for its next events for up to
    /// this long before it sleeps, yielding its core between polls, and backs off while polls find nothing
    /// (docs/threading.md, "A loop polls before it sleeps"). 0 sleeps at once, as Redis's loop does. The default is
    /// 30, or 0 under a CPU quota (<see cref="DefaultEventLoopPollMicroseconds"/>).
    /// </summary>
    public int EventLoopPollMicroseconds { get; set; } = s_defaultEventLoopPollMicroseconds;

    // Read once per process, not per configuration: the affinity read opens the process.
    private static readonly int s_defaultEventLoopPollMicroseconds =
        DefaultEventLoopPollMicroseconds(Environment.ProcessorCount, AffinityProcessorCount());

    /// <summary>
    /// 30 µs, unless the process may use fewer processors than it may run on: .NET's processor count then reflects a
    /// CPU quota (a container's CPU limit, or DOTNET_PROCESSOR_COUNT), under which polling would spend quota that requests
    /// could use, and the default is 0.
    /// </summary>
    public static int DefaultEventLoopPollMicroseconds(int processorCount, int affinityProcessorCount) =>
        processorCount < affinityProcessorCount ? 0 : 30;

    /// <summary>The processors this process may run on (its affinity mask; the first 64 only), or
    /// <see cref="Environment.ProcessorCount"/> where the mask cannot be read.</summary>
    private static int AffinityProcessorCount()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return Environment.ProcessorCount;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return System.Numerics.BitOperations.PopCount((ulong)(long)process.ProcessorAffinity);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return Environment.ProcessorCount;
        }
    }

    /// <summary>
    /// code-warmup (Cairn's own): after start, compile the command code in the background while no command runs, so
    /// that a command's first call does not compile it on an event loop. Costs about 14 MB of compiled code and 2-3 s
    /// of an idle core once.
    /// </summary>
    public bool CodeWarmup { get; set; } = true;

    // Protocol limits.
    public long ProtoMaxBulkLengthBytes { get; set; } = 512L * 1024 * 1024;
    public long ClientQueryBufferLimitBytes { get; set; } = 1L << 30;
    public OutputBufferLimit NormalOutputLimit { get; set; } = new(0, 0, 0);
    public OutputBufferLimit ReplicaOutputLimit { get; set; } = new(256L << 20, 64L << 20, 60);
    public OutputBufferLimit PubSubOutputLimit { get; set; } = new(32L << 20, 8L << 20, 60);

    // Keyspace.
    public string NotifyKeyspaceEvents { get; set; } = "";
    public int ActiveExpireEffort { get; set; } = 1;
    public long SlowlogLogSlowerThanMicroseconds { get; set; } = 10000;
    public int SlowlogMaxLength { get; set; } = 128;

    // Memory.
    public long MaxMemoryBytes { get; set; }
    public string MaxMemoryPolicy { get; set; } = "noeviction";
    public int MaxMemorySamples { get; set; } = 5;
    public int LfuLogFactor { get; set; } = 10;
    public int LfuDecayTimeMinutes { get; set; } = 1;

    // Persistence (issue 4 builds on these names).
    public bool AppendOnly { get; set; }

    /// <summary>"memory" (the default: AOF and snapshots) or "lsm" (every key durable in the LSM, memory a cache); fixed at start.</summary>
    public string Storage { get; set; } = "memory";

    public bool LsmStorage => Storage == "lsm";

    public const string StorageConflict =
        "appendonly yes conflicts with storage lsm: the LSM's write-ahead log already makes every write durable";

    /// <summary>Settings that are valid one by one but not together; empty when the whole is consistent.</summary>
    public IReadOnlyList<string> CheckCombination() =>
        LsmStorage && AppendOnly ? [StorageConflict] : [];
    public string AppendFsync { get; set; } = "everysec";
    public string AppendFilename { get; set; } = "appendonly.aof";
    public string DbFilename { get; set; } = "dump.rdb";
    public string Save { get; set; } = "3600 1 300 100 60 10000";
    public int AutoAofRewritePercentage { get; set; } = 100;
    public long AutoAofRewriteMinSizeBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Raised after CONFIG SET changes a value, with the option name (the host re-applies logging etc.).</summary>
    public event Action<string>? Changed;

    public ConfigOption? Find(string name) => _options.GetValueOrDefault(name);

    /// <summary>Applies one option (file, command line, CONFIG SET). Returns Redis's error text or null.</summary>
    public string? Apply(string name, string value, bool atStartup)
    {
        if (!_options.TryGetValue(name, out ConfigOption? option))
        {
            return $"Unknown option or number of arguments for CONFIG SET - '{name}'";
        }
        if (!atStartup && !option.Mutable)
        {
            return $"CONFIG SET failed (possibly related to argument '{option.Name}') - can't set immutable config";
        }
        string? error = option.Set(value);
        if (error is not null)
        {
            return $"CONFIG SET failed (possibly related to argument '{option.Name}') - {error}";
        }
        if (!atStartup)
        {
            Changed?.Invoke(option.Name);
        }
        return null;
    }

    /// <summary>CONFIG SET with several pairs: all are validated and applied, or none (earlier ones are rolled back).</summary>
    public string? ApplyAll(IReadOnlyList<(string Name, string Value)> pairs)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, _) in pairs)
        {
            ConfigOption? option = Find(name);
            if (option is null)
            {
                return $"Unknown option or number of arguments for CONFIG SET - '{name}'";
            }
            if (!seen.Add(option.Name))
            {
                return $"CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter";
            }
        }
        var applied = new List<(ConfigOption Option, string Previous)>();
        foreach ((string name, string value) in pairs)
        {
            ConfigOption option = Find(name)!;
            string previous = option.Get();
            string? error = Apply(name, value, atStartup: false);
            if (error is not null)
            {
                for (int i = applied.Count - 1; i >= 0; i--)
                {
                    applied[i].Option.Set(applied[i].Previous);
                }
                return error;
            }
            applied.Add((option, previous));
        }
        return null;
    }

    /// <summary>Loads a redis.conf-style file: "name value..." lines, # comments, quoting as in Redis.</summary>
    public IReadOnlyList<string> LoadFile(string path)
    {
        ConfigFile = Path.GetFullPath(path);
        var errors = new List<string>();
        int lineNumber = 0;
        foreach (string raw in File.ReadAllLines(path))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            List<string>? parts = SplitArguments(line);
            if (parts is null || parts.Count == 0)
            {
                errors.Add($"{path}:{lineNumber}: unbalanced quotes in configuration line");
                continue;
            }
            string name = parts[0];
            string value = string.Join(' ', parts.Skip(1));
            if (name.Equals("include", StringComparison.OrdinalIgnoreCase))
            {
                errors.AddRange(LoadFile(value));
                continue;
            }
            string? error = Apply(name, value, atStartup: true);
            if (error is not null)
            {
                errors.Add($"{path}:{lineNumber}: '{line}': {error}");
            }
        }
        return errors;
    }

    /// <summary>Applies "--name value [value...]" arguments (values run to the next "--name"), as redis-server does.</summary>
    public IReadOnlyList<string> LoadArguments(IReadOnlyList<string> arguments)
    {
        var errors = new List<string>();
        int i = 0;
        while (i < arguments.Count)
        {
            string argument = arguments[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                errors.Add($"unexpected argument '{argument}'");
                i++;
                continue;
            }
            string name = argument[2..];
            var values = new List<string>();
            i++;
            while (i < arguments.Count && !(arguments[i].StartsWith("--", StringComparison.Ordinal) && arguments[i].Length > 2 && !IsNumber(arguments[i])))
            {
                values.Add(arguments[i]);
                i++;
            }
            string? error = Apply(name, string.Join(' ', values), atStartup: true);
            if (error is not null)
            {
                errors.Add($"--{name}: {error}");
            }
        }
        return errors;
    }

    private static bool IsNumber(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// CONFIG REWRITE: rewrites the config file in place, keeping comments and the order of lines, replacing the lines
    /// of options whose values differ from their defaults or were in the file, and appending the rest.
    /// </summary>
    public string? Rewrite()
    {
        if (ConfigFile is null)
        {
            return "The server is running without a config file";
        }
        string[] lines = File.Exists(ConfigFile) ? File.ReadAllLines(ConfigFile) : [];
        var output = new List<string>();
        var written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            List<string>? parts = line.Length == 0 || line[0] == '#' ? null : SplitArguments(line);
            ConfigOption? option = parts is { Count: > 0 } ? Find(parts[0]) : null;
            if (option is null)
            {
                output.Add(raw);
                continue;
            }
            if (written.Add(option.Name))
            {
                output.Add(FormatLine(option));
            }
        }
        foreach (ConfigOption option in _ordered)
        {
            if (!written.Contains(option.Name) && option.Get() != option.DefaultValue)
            {
                if (written.Count == 0 || output.Count == 0 || output[^1] != "# Generated by CONFIG REWRITE")
                {
                    output.Add("# Generated by CONFIG REWRITE");
                }
                output.Add(FormatLine(option));
                written.Add(option.Name);
            }
        }
        string temporary = ConfigFile + ".tmp";
        File.WriteAllText(temporary, string.Join('\n', output) + "\n");
        File.Move(temporary, ConfigFile, overwrite: true);
        return null;
    }

    private static string FormatLine(ConfigOption option)
    {
        string value = option.Get();
        return value.Length == 0 ? $"{option.Name} \"\"" : $"{option.Name} {value}";
    }

    /// <summary>Splits a line like sdssplitargs; null on unbalanced quotes.</summary>
    public static List<string>? SplitArguments(string line)
    {
        var result = new List<string>();
        int i = 0;
        while (true)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i]))
            {
                i++;
            }
            if (i >= line.Length)
            {
                return result;
            }
            var current = new StringBuilder();
            char quote = '\0';
            while (i < line.Length)
            {
                char c = line[i];
                if (quote != '\0')
                {
                    if (c == '\\' && i + 1 < line.Length)
                    {
                        char next = line[i + 1];
                        current.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => next });
                        i += 2;
                        continue;
                    }
                    if (c == quote)
                    {
                        quote = '\0';
                        i++;
                        if (i < line.Length && !char.IsWhiteSpace(line[i]))
                        {
                            return null;
                        }
                        break;
                    }
                    current.Append(c);
                    i++;
                }
                else if (c == '"' || c == '\'')
                {
                    quote = c;
                    i++;
                }
                else if (char.IsWhiteSpace(c))
                {
                    break;
                }
                else
                {
                    current.Append(c);
                    i++;
                }
            }
            if (quote != '\0')
            {
                return null;
            }
            result.Add(current.ToString());
        }
    }

    /// <summary>CONFIG GET: every option whose name (or alias) matches a glob pattern, as name/value pairs.</summary>
    public List<(string Name, string Value)> Match(string pattern)
    {
        var result = new List<(string, string)>();
        byte[] patternBytes = Encoding.UTF8.GetBytes(pattern);
        foreach (ConfigOption option in _ordered)
        {
            if (GlobPattern.IsMatch(patternBytes, Encoding.UTF8.GetBytes(option.Name), ignoreCase: true))
            {
                result.Add((option.Name, option.Get()));
            }
            foreach (string alias in option.Aliases)
            {
                if (!GlobPattern.IsLiteral(patternBytes) ? false : GlobPattern.IsMatch(patternBytes, Encoding.UTF8.GetBytes(alias), ignoreCase: true))
                {
                    result.Add((alias, option.Get()));
                }
            }
        }
        return result;
    }

    private void Add(ConfigOption option)
    {
        _options.Add(option.Name, option);
        foreach (string alias in option.Aliases)
        {
            _options.Add(alias, option);
        }
        _ordered.Add(option);
    }
}
