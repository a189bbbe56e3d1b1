using Cairn.Commands.Execution;

namespace Cairn.Commands.Cluster;

/// <summary>
/// CLUSTER subcommands. The cluster lives in Cairn.Cluster behind <see cref="IClusterRouter"/>; on a standalone node these
/// answer as Redis does without cluster support.
/// </summary>
internal static class ClusterCommands
{
    [Command("CLUSTER|INFO")]
    public static void Info(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|NODES")]
    public static void Nodes(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|MYID")]
    public static void MyId(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|KEYSLOT")]
    public static void KeySlot(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|PARTITIONS")]
    public static void Partitions(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|KEYPARTITION")]
    public static void KeyPartition(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|REPAIR")]
    public static void Repair(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|LEAVE")]
    public static void Leave(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|CONSISTENCY")]
    public static void Consistency(CommandContext ctx) => Run(ctx);

    [Command("CLUSTER|MEET")]
    public static void Meet(CommandContext ctx) => Run(ctx);

    private static void Run(CommandContext ctx)
    {
        if (ctx.Server.Cluster is { } cluster)
        {
            cluster.Admin(ctx);
            return;
        }
        ctx.Error("ERR This instance has cluster support disabled");
    }
}
