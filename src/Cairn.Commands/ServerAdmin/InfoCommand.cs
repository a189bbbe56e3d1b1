using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Commands.Execution;
using Cairn.Commands.Specs;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.ServerAdmin;

/// <summary>INFO [section ...]: Redis's sections and field names, so monitoring tools and clients parse it unchanged.</summary>
internal static class InfoCommand
{
    private static readonly string[] s_defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"];
    private static readonly string[] s_allSections = [.. s_defaultSections, "commandstats"];

    /// <summary>Extra sections contributed by other parts of the node (persistence, cluster), by name.</summary>
    public static Dictionary<string, Action<ServerContext, StringBuilder>> ExtraSections { get; } = new(StringComparer.OrdinalIgnoreCase);

    [Command("INFO")]
    public static void Info(CommandContext ctx)
    {
        var requested = new List<string>();
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            string name = ctx.ArgString(i).ToLowerInvariant();
            switch (name)
            {
                case "all":
                case "everything":
                    requested.AddRange(s_allSections);
                    break;
                case "default":
                    requested.AddRange(s_defaultSections);
                    break;
                default:
                    requested.Add(name);
                    break;
            }
        }
        if (requested.Count == 0)
        {
            requested.AddRange(s_defaultSections);
        }
        var text = new StringBuilder();
        foreach (string section in requested.Distinct())
        {
            int before = text.Length;
            if (text.Length > 0)
            {
                text.Append("\r\n");
            }
            if (!AppendSection(ctx, section, text))
            {
                text.Length = before;
            }
        }
        ctx.Reply.WriteVerbatimString(text.ToString());
    }

    private static bool AppendSection(CommandContext ctx, string section, StringBuilder text)
    {
        ServerContext server = ctx.Server;
        switch (section)
        {
            case "server":
                text.Append("# Server\r\n");
                Field(text, "redis_version", server.Version);
                Field(text, "redis_git_sha1", "00000000");
                Field(text, "redis_git_dirty", "0");
                Field(text, "redis_build_id", "cairn");
                Field(text, "redis_mode", "standalone");
                Field(text, "os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
                Field(text, "arch_bits", Environment.Is64BitProcess ? "64" : "32");
                Field(text, "multiplexing_api", "epoll");
                Field(text, "server_name", "cairn");
                Field(text, "cairn_version", typeof(InfoCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
                Field(text, "dotnet_version", Environment.Version.ToString());
                Field(text, "process_id", Environment.ProcessId);
                Field(text, "run_id", server.RunId);
                Field(text, "tcp_port", server.TcpPort);
                long uptime = (ctx.Now - server.StartedAtMilliseconds) / 1000;
                Field(text, "server_time_usec", ctx.Now * 1000);
                Field(text, "uptime_in_seconds", uptime);
                Field(text, "uptime_in_days", uptime / 86400);
                Field(text, "hz", server.Config.Hz);
                Field(text, "configured_hz", server.Config.Hz);
                Field(text, "executable", Environment.ProcessPath ?? "");
                Field(text, "config_file", server.Config.ConfigFile ?? "");
                return true;
            case "clients":
                text.Append("# Clients\r\n");
                Field(text, "connected_clients", server.Clients.Count);
                Field(text, "cluster_connections", 0);
                Field(text, "maxclients", server.Config.MaxClients);
                Field(text, "client_recent_max_input_buffer", 0);
                Field(text, "client_recent_max_output_buffer", 0);
                Field(text, "blocked_clients", server.Blocking.BlockedClients);
                Field(text, "tracking_clients", 0);
                Field(text, "clients_in_timeout_table", server.Blocking.BlockedClients);
                Field(text, "total_blocking_keys", server.Blocking.BlockedKeys);
                return true;
            case "memory":
            {
                text.Append("# Memory\r\n");
                long used = server.Store.UsedMemoryBytes;
                long rss = Environment.WorkingSet;
                Field(text, "used_memory", used);
                Field(text, "used_memory_human", Human(used));
                Field(text, "used_memory_rss", rss);
                Field(text, "used_memory_rss_human", Human(rss));
                Field(text, "used_memory_peak", Math.Max(used, server.PeakMemoryBytes));
                Field(text, "used_memory_dataset", used);
                Field(text, "managed_heap_bytes", GC.GetTotalMemory(false));
                // The .NET collector's own counters: allocation per request and collections are what a profile needs first.
                Field(text, "gc_allocated_bytes", GC.GetTotalAllocatedBytes(precise: false));
                Field(text, "gc_gen0_collections", GC.CollectionCount(0));
                Field(text, "gc_gen1_collections", GC.CollectionCount(1));
                Field(text, "gc_gen2_collections", GC.CollectionCount(2));
                Field(text, "gc_pause_total_ms", (long)GC.GetTotalPauseDuration().TotalMilliseconds);
                Field(text, "maxmemory", server.Config.MaxMemoryBytes);
                Field(text, "maxmemory_human", Human(server.Config.MaxMemoryBytes));
                Field(text, "maxmemory_policy", server.Config.MaxMemoryPolicy);
                Field(text, "mem_fragmentation_ratio", used > 0 ? ((double)rss / used).ToString("F2", CultureInfo.InvariantCulture) : "0.00");
                Field(text, "mem_allocator", "dotnet-gc");
                return true;
            }
            case "persistence":
                text.Append("# Persistence\r\n");
                Field(text, "loading", 0);
                if (server.Lsm is { } lsmInfo)
                {
                    lsmInfo.AppendPersistenceInfo(text);
                }
                else if (ExtraSections.TryGetValue("persistence", out Action<ServerContext, StringBuilder>? persistence))
                {
                    persistence(server, text);
                }
                else
                {
                    Field(text, "async_loading", 0);
                    Field(text, "rdb_changes_since_last_save", server.Store.Dirty);
                    Field(text, "rdb_bgsave_in_progress", server.Snapshots.InProgress ? 1 : 0);
                    Field(text, "rdb_last_save_time", server.Snapshots.LastSaveUnixSeconds);
                    Field(text, "rdb_last_bgsave_status", server.Snapshots.LastSucceeded ? "ok" : "err");
                    Field(text, "rdb_last_bgsave_time_sec", server.Snapshots.LastDurationMilliseconds < 0 ? -1 : server.Snapshots.LastDurationMilliseconds / 1000);
                    Field(text, "aof_enabled", server.Aof is null ? 0 : 1);
                    Field(text, "aof_rewrite_in_progress", server.Aof?.RewriteInProgress == true ? 1 : 0);
                    Field(text, "aof_last_bgrewrite_status", server.Aof?.LastRewriteStatus ?? "ok");
                    Field(text, "aof_rewrite_scheduled", server.Aof?.RewriteScheduled == true ? 1 : 0);
                    Field(text, "aof_last_write_status", server.Aof?.Writer.LastError is null ? "ok" : "err");
                    if (server.Aof is { } aof)
                    {
                        Field(text, "aof_current_size", aof.Writer.CurrentFileBytes);
                        Field(text, "aof_pending_bio_fsync", aof.Writer.AppendedOffset - aof.Writer.DurableOffset);
                        Field(text, "aof_fsync_count", aof.Writer.FsyncCount);
                        Field(text, "aof_loaded_records", aof.LoadedRecords);
                    }
                }
                return true;
            case "stats":
                text.Append("# Stats\r\n");
                Field(text, "total_connections_received", server.Clients.TotalConnectionsReceived);
                Field(text, "total_commands_processed", server.Stats.CommandsProcessed);
                Field(text, "total_net_input_bytes", Interlocked.Read(ref server.Stats.NetInputBytes));
                Field(text, "total_net_output_bytes", Interlocked.Read(ref server.Stats.NetOutputBytes));
                Field(text, "rejected_connections", server.Clients.RejectedConnections);
                Field(text, "expired_keys", server.Store.Stats.ExpiredKeys);
                Field(text, "evicted_keys", server.Store.Stats.EvictedKeys);
                Field(text, "keyspace_hits", server.Store.Stats.KeyspaceHits);
                Field(text, "keyspace_misses", server.Store.Stats.KeyspaceMisses);
                Field(text, "pubsub_channels", server.PubSub.ChannelCount);
                Field(text, "pubsub_patterns", server.PubSub.PatternCount);
                Field(text, "total_error_replies", server.Stats.ErrorReplies);
                Field(text, "client_query_buffer_limit_disconnections", Interlocked.Read(ref server.Stats.ClientQueryBufferLimitDisconnections));
                Field(text, "client_output_buffer_limit_disconnections", Interlocked.Read(ref server.Stats.ClientOutputBufferLimitDisconnections));
                // Cairn's own: how often the loops' idle polls found the next request (docs/threading.md).
                EventLoopPollCounts polls = (server.EventLoopPolls?.Invoke() ?? default) - server.Stats.EventLoopPollsAtReset;
                Field(text, "event_loop_polls_with_events", polls.WithEvents);
                Field(text, "event_loop_polls_without_events", polls.WithoutEvents);
                return true;
            case "replication":
                text.Append("# Replication\r\n");
                Field(text, "role", "master");
                Field(text, "connected_slaves", 0);
                Field(text, "master_replid", server.RunId);
                Field(text, "master_repl_offset", 0);
                return true;
            case "cpu":
            {
                text.Append("# CPU\r\n");
                using Process process = Process.GetCurrentProcess();
                Field(text, "used_cpu_sys", process.PrivilegedProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));
                Field(text, "used_cpu_user", process.UserProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));
                return true;
            }
            case "modules":
                text.Append("# Modules\r\n");
                return true;
            case "cluster":
                text.Append("# Cluster\r\n");
                // Plain Redis clients must not switch to Redis Cluster routing: any Cairn node coordinates any key.
                Field(text, "cluster_enabled", 0);
                server.Cluster?.AppendInfo(text);
                return true;
            case "errorstats":
                text.Append("# Errorstats\r\n");
                return true;
            case "commandstats":
                text.Append("# Commandstats\r\n");
                foreach (CommandSpec spec in server.Table.Commands.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
                {
                    AppendCommandStats(text, spec);
                }
                return true;
            case "keyspace":
                text.Append("# Keyspace\r\n");
                for (int i = 0; i < server.Store.DatabaseCount; i++)
                {
                    Database db = server.Store[i];
                    long keys = server.Lsm?.KeyCount(i) ?? db.Count;
                    long expires = server.Lsm?.VolatileKeyCount(i) ?? db.VolatileCount;
                    if (keys > 0)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"db{i}:keys={keys},expires={expires},avg_ttl=0\r\n");
                    }
                }
                return true;
            default:
                if (ExtraSections.TryGetValue(section, out Action<ServerContext, StringBuilder>? extra))
                {
                    extra(server, text);
                    return true;
                }
                return false;
        }
    }

    private static void AppendCommandStats(StringBuilder text, CommandSpec spec)
    {
        if (spec.Subcommands is not null)
        {
            foreach (CommandSpec sub in spec.Subcommands.Values)
            {
                AppendCommandStats(text, sub);
            }
        }
        CommandStatistics s = spec.Statistics;
        if (s.Calls == 0 && s.RejectedCalls == 0 && s.FailedCalls == 0)
        {
            return;
        }
        double perCall = s.Calls == 0 ? 0 : (double)s.Microseconds / s.Calls;
        text.Append(CultureInfo.InvariantCulture,
            $"cmdstat_{spec.FullName}:calls={s.Calls},usec={s.Microseconds},usec_per_call={perCall:F2},rejected_calls={s.RejectedCalls},failed_calls={s.FailedCalls}\r\n");
    }

    private static void Field(StringBuilder text, string name, object value) =>
        text.Append(name).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append("\r\n");

    public static string Human(long bytes)
    {
        double value = bytes;
        string[] units = ["B", "K", "M", "G", "T", "P"];
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes}B" : value.ToString("F2", CultureInfo.InvariantCulture) + units[unit];
    }
}
