using Cairn.Commands.Specs;

namespace Cairn.Commands.Execution;

/// <summary>
/// The seam between the command layer and the cluster (implemented in Cairn.Cluster, which references this project, never
/// the reverse). Set on <see cref="ServerContext.Cluster"/> only when cluster-enabled is yes, so a standalone node pays one
/// null check per command. Thread safety: called under the store lock.
/// </summary>
public interface IClusterRouter
{
    /// <summary>
    /// Offered every command after the dispatcher's checks and before it runs. Returns true when the cluster took it (the
    /// command then runs on its replicas and the reply arrives later: the router parks the client through ctx.Block, or
    /// writes an error such as CROSSSLOT); false to run it here as on a standalone node.
    /// </summary>
    bool TryRoute(CommandContext ctx, CommandSpec spec);

    /// <summary>Runs a CLUSTER subcommand (ctx.Arg(1) is its name) and writes its one reply.</summary>
    void Admin(CommandContext ctx);

    /// <summary>Appends the fields of INFO's cluster section.</summary>
    void AppendInfo(System.Text.StringBuilder text);
}
