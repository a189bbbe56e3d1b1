using System.Globalization;

namespace Cairn.Commands.Config;

public sealed partial class ServerConfig
{
    private void Register()
    {
        AddInt("port", () => Port, v => Port = (int)v, 0, 65535, mutable: false);
        AddString("bind", () => Bind, v => Bind = v, mutable: false);
        AddString("dir", () => Dir, v => Dir = v, mutable: false);
        Add(new ConfigOption
        {
            Name = "requirepass", DefaultValue = "", Sensitive = true,
            Get = () => RequirePass,
            Set = v => { RequirePass = v; return null; },
        });
        AddInt("databases", () => Databases, v => Databases = (int)v, 1, 1024, mutable: false);
        AddInt("timeout", () => TimeoutSeconds, v => TimeoutSeconds = v, 0, int.MaxValue);
        AddInt("maxclients", () => MaxClients, v => MaxClients = (int)v, 1, 1_000_000);
        AddEnum("loglevel", () => LogLevel, v => LogLevel = v, ["debug", "verbose", "notice", "warning", "nothing"]);
        AddString("logfile", () => LogFile, v => LogFile = v, mutable: false);
        AddInt("tcp-keepalive", () => TcpKeepAliveSeconds, v => TcpKeepAliveSeconds = v, 0, int.MaxValue);
        // Client sockets: Cairn's own epoll loops ("epoll", Linux x64/arm64) or .NET's socket engine ("sockets");
        // io-threads is how many loops (threads) share the clients, as Redis's io-threads.
        AddEnum("event-loop", () => EventLoop, v => EventLoop = v, ["epoll", "sockets"], mutable: false);
        AddInt("io-threads", () => IoThreads, v => IoThreads = (int)v, 1, 128, mutable: false);
        AddInt("event-loop-poll-us", () => EventLoopPollMicroseconds, v => EventLoopPollMicroseconds = (int)v, 0, 10_000);
        AddBool("code-warmup", () => CodeWarmup, v => CodeWarmup = v, mutable: false);
        AddInt("hz", () => Hz, v => Hz = (int)Math.Clamp(v, 1, 500), 0, int.MaxValue);
        AddMemory("proto-max-bulk-len", () => ProtoMaxBulkLengthBytes, v => ProtoMaxBulkLengthBytes = v, 1024 * 1024, long.MaxValue);
        AddMemory("client-query-buffer-limit", () => ClientQueryBufferLimitBytes, v => ClientQueryBufferLimitBytes = v, 1024 * 1024, long.MaxValue);
        Add(new ConfigOption
        {
            Name = "client-output-buffer-limit",
            DefaultValue = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
            Get = () => FormatOutputLimits(),
            Set = SetOutputLimits,
        });
        Add(new ConfigOption
        {
            Name = "notify-keyspace-events", DefaultValue = "",
            Get = () => NotifyKeyspaceEvents,
            Set = v =>
            {
                if (!Cairn.Commands.PubSub.KeyspaceEventFlags.TryParse(v, out var flags))
                {
                    return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
                }
                NotifyKeyspaceEvents = Cairn.Commands.PubSub.KeyspaceEventFlags.Format(flags);
                NotifyFlags = flags;
                return null;
            },
        });
        AddInt("active-expire-effort", () => ActiveExpireEffort, v => ActiveExpireEffort = (int)v, 1, 10);
        AddInt("slowlog-log-slower-than", () => SlowlogLogSlowerThanMicroseconds, v => SlowlogLogSlowerThanMicroseconds = v, -1, long.MaxValue);
        AddInt("slowlog-max-len", () => SlowlogMaxLength, v => SlowlogMaxLength = (int)v, 0, int.MaxValue);
        AddMemory("maxmemory", () => MaxMemoryBytes, v => MaxMemoryBytes = v, 0, long.MaxValue);
        AddEnum("maxmemory-policy", () => MaxMemoryPolicy, v => MaxMemoryPolicy = v,
            ["volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-random", "allkeys-random", "volatile-ttl", "noeviction"]);
        AddInt("maxmemory-samples", () => MaxMemorySamples, v => MaxMemorySamples = (int)v, 1, 64);
        AddInt("lfu-log-factor", () => LfuLogFactor, v => LfuLogFactor = (int)v, 0, int.MaxValue);
        AddInt("lfu-decay-time", () => LfuDecayTimeMinutes, v => LfuDecayTimeMinutes = (int)v, 0, int.MaxValue);
        Add(new ConfigOption
        {
            Name = "storage", DefaultValue = "memory", Mutable = false,
            Get = () => Storage,
            Set = v =>
            {
                string lower = v.ToLowerInvariant();
                if (lower is not ("memory" or "lsm"))
                {
                    return "argument(s) must be one of the following: memory, lsm";
                }
                Storage = lower;
                return null;
            },
        });
        Add(new ConfigOption
        {
            Name = "appendonly", DefaultValue = "no",
            Get = () => ConfigValueParser.FormatBool(AppendOnly),
            Set = v =>
            {
                if (!ConfigValueParser.TryParseBool(v, out bool parsed))
                {
                    return "argument must be 'yes' or 'no'";
                }
                if (parsed && Storage == "lsm")
                {
                    return StorageConflict;
                }
                AppendOnly = parsed;
                return null;
            },
        });
        AddEnum("appendfsync", () => AppendFsync, v => AppendFsync = v, ["always", "everysec", "no"]);
        AddString("appendfilename", () => AppendFilename, v => AppendFilename = v, mutable: false);
        AddString("dbfilename", () => DbFilename, v => DbFilename = v);
        Add(new ConfigOption
        {
            Name = "save", DefaultValue = "3600 1 300 100 60 10000",
            Get = () => Save,
            Set = v =>
            {
                string[] parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length % 2 != 0 || parts.Any(p => !long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                {
                    return "Invalid save parameters";
                }
                Save = string.Join(' ', parts);
                return null;
            },
        });
        AddInt("auto-aof-rewrite-percentage", () => AutoAofRewritePercentage, v => AutoAofRewritePercentage = (int)v, 0, int.MaxValue);
        AddMemory("auto-aof-rewrite-min-size", () => AutoAofRewriteMinSizeBytes, v => AutoAofRewriteMinSizeBytes = v, 0, long.MaxValue);
        // Compact-encoding thresholds (process-wide, as the engine's encodings read them).
        AddInt("list-max-listpack-size", () => Cairn.Engine.Memory.EncodingSettings.ListMaxListpackSize,
            v => Cairn.Engine.Memory.EncodingSettings.ListMaxListpackSize = (int)v, int.MinValue, int.MaxValue, aliases: ["list-max-ziplist-size"]);
        AddInt("hash-max-listpack-entries", () => Cairn.Engine.Memory.EncodingSettings.HashMaxListpackEntries,
            v => Cairn.Engine.Memory.EncodingSettings.HashMaxListpackEntries = (int)v, 0, int.MaxValue, aliases: ["hash-max-ziplist-entries"]);
        AddInt("hash-max-listpack-value", () => Cairn.Engine.Memory.EncodingSettings.HashMaxListpackValue,
            v => Cairn.Engine.Memory.EncodingSettings.HashMaxListpackValue = (int)v, 0, int.MaxValue, aliases: ["hash-max-ziplist-value"]);
        AddInt("set-max-intset-entries", () => Cairn.Engine.Memory.Sets.SetEncodingLimits.MaxIntsetEntries,
            v => Cairn.Engine.Memory.Sets.SetEncodingLimits.MaxIntsetEntries = (int)v, 0, int.MaxValue);
        AddInt("set-max-listpack-entries", () => Cairn.Engine.Memory.Sets.SetEncodingLimits.MaxListpackEntries,
            v => Cairn.Engine.Memory.Sets.SetEncodingLimits.MaxListpackEntries = (int)v, 0, int.MaxValue);
        AddInt("set-max-listpack-value", () => Cairn.Engine.Memory.Sets.SetEncodingLimits.MaxListpackValueBytes,
            v => Cairn.Engine.Memory.Sets.SetEncodingLimits.MaxListpackValueBytes = (int)v, 0, int.MaxValue);
        AddInt("zset-max-listpack-entries", () => Cairn.Engine.Memory.SortedSets.SortedSetEncodingLimits.MaxListpackEntries,
            v => Cairn.Engine.Memory.SortedSets.SortedSetEncodingLimits.MaxListpackEntries = (int)v, 0, int.MaxValue, aliases: ["zset-max-ziplist-entries"]);
        AddInt("zset-max-listpack-value", () => Cairn.Engine.Memory.SortedSets.SortedSetEncodingLimits.MaxListpackValueBytes,
            v => Cairn.Engine.Memory.SortedSets.SortedSetEncodingLimits.MaxListpackValueBytes = (int)v, 0, int.MaxValue, aliases: ["zset-max-ziplist-value"]);
        AddBool("protected-mode", () => ProtectedMode, v => ProtectedMode = v);
        AddBool("daemonize", () => false, _ => { }, mutable: false);
        AddString("pidfile", () => PidFile, v => PidFile = v, mutable: false);
    }

    public bool ProtectedMode { get; set; }

    public string PidFile { get; set; } = "";

    /// <summary>Parsed notify-keyspace-events.</summary>
    public Cairn.Commands.PubSub.KeyspaceEvents NotifyFlags { get; private set; }

    private string FormatOutputLimits() => string.Create(CultureInfo.InvariantCulture,
        $"normal {NormalOutputLimit.HardBytes} {NormalOutputLimit.SoftBytes} {NormalOutputLimit.SoftSeconds} " +
        $"slave {ReplicaOutputLimit.HardBytes} {ReplicaOutputLimit.SoftBytes} {ReplicaOutputLimit.SoftSeconds} " +
        $"pubsub {PubSubOutputLimit.HardBytes} {PubSubOutputLimit.SoftBytes} {PubSubOutputLimit.SoftSeconds}");

    private string? SetOutputLimits(string value)
    {
        string[] parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Length % 4 != 0)
        {
            return "Wrong number of arguments in buffer limit configuration.";
        }
        var parsed = new List<(string Class, OutputBufferLimit Limit)>();
        for (int i = 0; i < parts.Length; i += 4)
        {
            string name = parts[i].ToLowerInvariant();
            if (name is not ("normal" or "slave" or "replica" or "pubsub"))
            {
                return "Invalid client class specified in buffer limit configuration.";
            }
            if (!ConfigValueParser.TryParseMemory(parts[i + 1], out long hard) || !ConfigValueParser.TryParseMemory(parts[i + 2], out long soft)
                || !long.TryParse(parts[i + 3], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            }
            parsed.Add((name, new OutputBufferLimit(hard, soft, seconds)));
        }
        foreach ((string name, OutputBufferLimit limit) in parsed)
        {
            switch (name)
            {
                case "normal":
                    NormalOutputLimit = limit;
                    break;
                case "pubsub":
                    PubSubOutputLimit = limit;
                    break;
                default:
                    ReplicaOutputLimit = limit;
                    break;
            }
        }
        return null;
    }

    private void AddInt(string name, Func<long> get, Action<long> set, long min, long max, bool mutable = true, string[]? aliases = null)
    {
        string initial = get().ToString(CultureInfo.InvariantCulture);
        Add(new ConfigOption
        {
            Name = name, DefaultValue = initial, Mutable = mutable, Aliases = aliases ?? [],
            Get = () => get().ToString(CultureInfo.InvariantCulture),
            Set = v =>
            {
                if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
                {
                    return "argument couldn't be parsed into an integer";
                }
                if (parsed < min || parsed > max)
                {
                    return $"argument must be between {min} and {max} inclusive";
                }
                set(parsed);
                return null;
            },
        });
    }

    private void AddMemory(string name, Func<long> get, Action<long> set, long min, long max)
    {
        string initial = get().ToString(CultureInfo.InvariantCulture);
        Add(new ConfigOption
        {
            Name = name, DefaultValue = initial,
            Get = () => get().ToString(CultureInfo.InvariantCulture),
            Set = v =>
            {
                if (!ConfigValueParser.TryParseMemory(v, out long parsed))
                {
                    return "argument must be a memory value";
                }
                if (parsed < min || parsed > max)
                {
                    return $"argument must be between {min} and {max} inclusive";
                }
                set(parsed);
                return null;
            },
        });
    }

    private void AddBool(string name, Func<bool> get, Action<bool> set, bool mutable = true)
    {
        Add(new ConfigOption
        {
            Name = name, DefaultValue = ConfigValueParser.FormatBool(get()), Mutable = mutable,
            Get = () => ConfigValueParser.FormatBool(get()),
            Set = v =>
            {
                if (!ConfigValueParser.TryParseBool(v, out bool parsed))
                {
                    return "argument must be 'yes' or 'no'";
                }
                set(parsed);
                return null;
            },
        });
    }

    private void AddString(string name, Func<string> get, Action<string> set, bool mutable = true)
    {
        Add(new ConfigOption
        {
            Name = name, DefaultValue = get(), Mutable = mutable,
            Get = get,
            Set = v => { set(v); return null; },
        });
    }

    private void AddEnum(string name, Func<string> get, Action<string> set, string[] allowed, bool mutable = true)
    {
        Add(new ConfigOption
        {
            Name = name, DefaultValue = get(), Mutable = mutable,
            Get = get,
            Set = v =>
            {
                string lower = v.ToLowerInvariant();
                if (!allowed.Contains(lower))
                {
                    return "argument(s) must be one of the following: " + string.Join(", ", allowed);
                }
                set(lower);
                return null;
            },
        });
    }
}
