using Cairn.Commands.Execution;
using Cairn.Commands.Specs;

namespace Cairn.Commands.ServerAdmin;

/// <summary>CONFIG GET / SET / RESETSTAT / REWRITE.</summary>
internal static class ConfigCommands
{
    [Command("CONFIG|GET")]
    public static void Get(CommandContext ctx)
    {
        var pairs = new List<(string Name, string Value)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            foreach ((string name, string value) in ctx.Server.Config.Match(ctx.ArgString(i)))
            {
                if (seen.Add(name))
                {
                    pairs.Add((name, value));
                }
            }
        }
        ctx.Reply.WriteMapHeader(pairs.Count);
        foreach ((string name, string value) in pairs)
        {
            ctx.Reply.WriteBulkString(name);
            ctx.Reply.WriteBulkString(value);
        }
    }

    [Command("CONFIG|SET")]
    public static void Set(CommandContext ctx)
    {
        if ((ctx.ArgumentCount - 2) % 2 != 0)
        {
            ctx.WrongArgumentCount();
            return;
        }
        var pairs = new List<(string, string)>();
        for (int i = 2; i < ctx.ArgumentCount; i += 2)
        {
            pairs.Add((ctx.ArgString(i), ctx.ArgString(i + 1)));
        }
        string? error = ctx.Server.Config.ApplyAll(pairs);
        if (error is not null)
        {
            ctx.Error("ERR " + error);
            return;
        }
        ctx.Reply.WriteOk();
    }

    [Command("CONFIG|RESETSTAT")]
    public static void ResetStat(CommandContext ctx)
    {
        ctx.Server.Stats.Reset();
        ctx.Server.Stats.EventLoopPollsAtReset = ctx.Server.EventLoopPolls?.Invoke() ?? default;
        ctx.Store.Stats.Reset();
        foreach (CommandSpec spec in ctx.Server.Table.Commands.Values)
        {
            spec.Statistics.Reset();
            if (spec.Subcommands is not null)
            {
                foreach (CommandSpec sub in spec.Subcommands.Values)
                {
                    sub.Statistics.Reset();
                }
            }
        }
        ctx.Reply.WriteOk();
    }

    [Command("CONFIG|REWRITE")]
    public static void Rewrite(CommandContext ctx)
    {
        string? error;
        try
        {
            error = ctx.Server.Config.Rewrite();
        }
        catch (IOException e)
        {
            error = "Rewriting config file: " + e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            error = "Rewriting config file: " + e.Message;
        }
        if (error is not null)
        {
            ctx.Error("ERR " + error);
            return;
        }
        ctx.Reply.WriteOk();
    }

    [Command("CONFIG|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "CONFIG",
        ["GET <pattern>", "SET <directive> <value>", "RESETSTAT", "REWRITE"]);
}
