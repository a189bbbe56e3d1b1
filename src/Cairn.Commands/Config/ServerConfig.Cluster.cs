namespace Cairn.Commands.Config;

/// <summary>Cluster options (docs/cluster.md). Read by Cairn.Cluster at start-up; none can change at run time.</summary>
public sealed partial class ServerConfig
{
    public bool ClusterEnabled { get; set; }

    /// <summary>The peer port; 0 = the client port + 10000 as Redis Cluster's bus (ephemeral when the client port is 0).</summary>
    public int ClusterPort { get; set; }

    /// <summary>host:port of peer ports to join through, comma separated.</summary>
    public string ClusterSeeds { get; set; } = "";

    public string ClusterSecret { get; set; } = "";

    /// <summary>This node's id; empty = a random one per start.</summary>
    public string ClusterNodeId { get; set; } = "";

    public string ClusterZone { get; set; } = "";

    public int ClusterPartitions { get; set; } = 64;

    public int ClusterReplicas { get; set; } = 3;

    public int ClusterReadQuorum { get; set; } = 2;

    public int ClusterWriteQuorum { get; set; } = 2;

    /// <summary>Per-key-pattern policies: "glob:N:R:W" separated by spaces, first match wins; keys matching none use the defaults.</summary>
    public string ClusterPolicies { get; set; } = "";

    public int ClusterTickMilliseconds { get; set; } = 100;

    public long ClusterSuspectAfterMilliseconds { get; set; } = 10_000;

    public long ClusterDownAfterMilliseconds { get; set; } = 30_000;

    public long ClusterRequestTimeoutMilliseconds { get; set; } = 2_000;

    public long ClusterHintWindowMilliseconds { get; set; } = 3 * 3600 * 1000;

    /// <summary>cluster-tombstone-grace-ms: how long a delete's tombstone is kept before it is collected (0: for ever).</summary>
    public long ClusterTombstoneGraceMilliseconds { get; set; } = 24 * 3600 * 1000;

    public long ClusterHintMaxBytes { get; set; } = 64L * 1024 * 1024;

    public long ClusterAntiEntropyIntervalMilliseconds { get; set; } = 1_000;

    public bool ClusterSloppyQuorum { get; set; }

    public long ClusterMaxClockOffsetMilliseconds { get; set; } = 500;

    private void RegisterCluster()
    {
        AddBool("cluster-enabled", () => ClusterEnabled, v => ClusterEnabled = v, mutable: false);
        AddInt("cluster-port", () => ClusterPort, v => ClusterPort = (int)v, 0, 65535, mutable: false);
        AddString("cluster-seeds", () => ClusterSeeds, v => ClusterSeeds = v, mutable: false);
        Add(new ConfigOption
        {
            Name = "cluster-secret", DefaultValue = "", Sensitive = true, Mutable = false,
            Get = () => ClusterSecret,
            Set = v => { ClusterSecret = v; return null; },
        });
        AddString("cluster-node-id", () => ClusterNodeId, v => ClusterNodeId = v, mutable: false);
        AddString("cluster-zone", () => ClusterZone, v => ClusterZone = v, mutable: false);
        AddInt("cluster-partitions", () => ClusterPartitions, v => ClusterPartitions = (int)v, 1, 16384, mutable: false);
        AddInt("cluster-replicas", () => ClusterReplicas, v => ClusterReplicas = (int)v, 1, 16, mutable: false);
        AddInt("cluster-read-quorum", () => ClusterReadQuorum, v => ClusterReadQuorum = (int)v, 1, 16, mutable: false);
        AddInt("cluster-write-quorum", () => ClusterWriteQuorum, v => ClusterWriteQuorum = (int)v, 1, 16, mutable: false);
        AddString("cluster-policies", () => ClusterPolicies, v => ClusterPolicies = v, mutable: false);
        AddInt("cluster-tick-ms", () => ClusterTickMilliseconds, v => ClusterTickMilliseconds = (int)v, 1, 10_000, mutable: false);
        AddInt("cluster-suspect-ms", () => ClusterSuspectAfterMilliseconds, v => ClusterSuspectAfterMilliseconds = v, 1, long.MaxValue, mutable: false);
        AddInt("cluster-down-ms", () => ClusterDownAfterMilliseconds, v => ClusterDownAfterMilliseconds = v, 2, long.MaxValue, mutable: false);
        AddInt("cluster-request-timeout-ms", () => ClusterRequestTimeoutMilliseconds, v => ClusterRequestTimeoutMilliseconds = v, 1, long.MaxValue, mutable: false);
        AddInt("cluster-hint-window-ms", () => ClusterHintWindowMilliseconds, v => ClusterHintWindowMilliseconds = v, 1, long.MaxValue, mutable: false);
        AddInt("cluster-tombstone-grace-ms", () => ClusterTombstoneGraceMilliseconds, v => ClusterTombstoneGraceMilliseconds = v, 0, long.MaxValue, mutable: false);
        AddMemory("cluster-hint-max-bytes", () => ClusterHintMaxBytes, v => ClusterHintMaxBytes = v, 1024, long.MaxValue);
        AddInt("cluster-anti-entropy-interval-ms", () => ClusterAntiEntropyIntervalMilliseconds, v => ClusterAntiEntropyIntervalMilliseconds = v, 0, long.MaxValue, mutable: false);
        AddInt("cluster-max-clock-offset-ms", () => ClusterMaxClockOffsetMilliseconds, v => ClusterMaxClockOffsetMilliseconds = v, 1, long.MaxValue, mutable: false);
        AddBool("cluster-sloppy-quorum", () => ClusterSloppyQuorum, v => ClusterSloppyQuorum = v, mutable: false);
    }
}
