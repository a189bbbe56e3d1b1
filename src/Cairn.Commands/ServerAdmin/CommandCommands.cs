using Cairn.Commands.Execution;
using Cairn.Commands.Specs;
using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.ServerAdmin;

/// <summary>COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS: generated from the specs kept as data.</summary>
internal static class CommandCommands
{
    [Command("COMMAND")]
    public static void All(CommandContext ctx)
    {
        if (ctx.ArgumentCount > 1)
        {
            ctx.Error($"ERR unknown subcommand '{ctx.ArgString(1)}'. Try COMMAND HELP.");
            return;
        }
        ctx.Reply.WriteArrayHeader(ctx.Server.Table.Count);
        foreach (CommandSpec spec in ctx.Server.Table.Commands.Values)
        {
            WriteInfo(ctx.Reply, spec);
        }
    }

    [Command("COMMAND|COUNT")]
    public static void Count(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Server.Table.Count);

    [Command("COMMAND|INFO")]
    public static void Info(CommandContext ctx)
    {
        if (ctx.ArgumentCount == 2)
        {
            All(ctx);
            return;
        }
        ctx.Reply.WriteArrayHeader(ctx.ArgumentCount - 2);
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            CommandSpec? spec = Resolve(ctx, ctx.ArgString(i));
            if (spec is null)
            {
                ctx.Reply.WriteNullArray();
            }
            else
            {
                WriteInfo(ctx.Reply, spec);
            }
        }
    }

    private static CommandSpec? Resolve(CommandContext ctx, string name)
    {
        int bar = name.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return ctx.Server.Table.Find(name);
        }
        CommandSpec? container = ctx.Server.Table.Find(name[..bar]);
        return container?.Subcommands?.GetValueOrDefault(name[(bar + 1)..].ToLowerInvariant());
    }

    private static void WriteInfo(RespWriter w, CommandSpec spec)
    {
        w.WriteArrayHeader(10);
        w.WriteBulkString(spec.FullName);
        w.WriteInteger(spec.Arity);
        w.WriteSetHeader(spec.FlagNames.Length);
        foreach (string flag in spec.FlagNames)
        {
            w.WriteSimpleString(flag == "allow_subscribed" ? "pubsub" : flag);
        }
        w.WriteInteger(spec.FirstKey);
        w.WriteInteger(spec.LastKey);
        w.WriteInteger(spec.Step);
        w.WriteSetHeader(spec.AclCategories.Length);
        foreach (string category in spec.AclCategories)
        {
            w.WriteSimpleString(category);
        }
        w.WriteEmptyArray(); // tips
        w.WriteEmptyArray(); // key specifications
        if (spec.Subcommands is null)
        {
            w.WriteEmptyArray();
        }
        else
        {
            w.WriteArrayHeader(spec.Subcommands.Count);
            foreach (CommandSpec sub in spec.Subcommands.Values)
            {
                WriteInfo(w, sub);
            }
        }
    }

    [Command("COMMAND|DOCS")]
    public static void Docs(CommandContext ctx)
    {
        var specs = new List<CommandSpec>();
        if (ctx.ArgumentCount == 2)
        {
            specs.AddRange(ctx.Server.Table.Commands.Values);
        }
        else
        {
            for (int i = 2; i < ctx.ArgumentCount; i++)
            {
                if (Resolve(ctx, ctx.ArgString(i)) is { } spec)
                {
                    specs.Add(spec);
                }
            }
        }
        ctx.Reply.WriteMapHeader(specs.Count);
        foreach (CommandSpec spec in specs)
        {
            ctx.Reply.WriteBulkString(spec.FullName);
            WriteDoc(ctx.Reply, spec);
        }
    }

    private static void WriteDoc(RespWriter w, CommandSpec spec)
    {
        w.WriteMapHeader(spec.Subcommands is null ? 4 : 5);
        w.WriteBulkString("summary"u8);
        w.WriteBulkString(spec.Summary);
        w.WriteBulkString("since"u8);
        w.WriteBulkString(spec.Since);
        w.WriteBulkString("group"u8);
        w.WriteBulkString(spec.Group);
        w.WriteBulkString("complexity"u8);
        w.WriteBulkString(spec.Complexity);
        if (spec.Subcommands is not null)
        {
            w.WriteBulkString("subcommands"u8);
            w.WriteMapHeader(spec.Subcommands.Count);
            foreach (CommandSpec sub in spec.Subcommands.Values)
            {
                w.WriteBulkString(sub.FullName);
                WriteDoc(w, sub);
            }
        }
    }

    [Command("COMMAND|LIST")]
    public static void List(CommandContext ctx)
    {
        Func<CommandSpec, bool> filter = _ => true;
        if (ctx.ArgumentCount == 5 && ctx.ArgIs(2, "FILTERBY"u8))
        {
            string value = ctx.ArgString(4);
            if (ctx.ArgIs(3, "MODULE"u8))
            {
                filter = _ => false;
            }
            else if (ctx.ArgIs(3, "ACLCAT"u8))
            {
                filter = s => s.AclCategories.Contains("@" + value.TrimStart('@'), StringComparer.OrdinalIgnoreCase);
            }
            else if (ctx.ArgIs(3, "PATTERN"u8))
            {
                byte[] pattern = System.Text.Encoding.UTF8.GetBytes(value);
                filter = s => GlobPattern.IsMatch(pattern, System.Text.Encoding.UTF8.GetBytes(s.FullName), ignoreCase: true);
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        else if (ctx.ArgumentCount != 2)
        {
            ctx.SyntaxError();
            return;
        }
        var names = new List<string>();
        foreach (CommandSpec spec in ctx.Server.Table.Commands.Values)
        {
            if (filter(spec))
            {
                names.Add(spec.FullName);
            }
            if (spec.Subcommands is not null)
            {
                foreach (CommandSpec sub in spec.Subcommands.Values)
                {
                    if (filter(sub))
                    {
                        names.Add(sub.FullName);
                    }
                }
            }
        }
        ctx.Reply.WriteArrayHeader(names.Count);
        foreach (string name in names)
        {
            ctx.Reply.WriteBulkString(name);
        }
    }

    [Command("COMMAND|GETKEYS")]
    public static void GetKeys(CommandContext ctx)
    {
        CommandSpec? spec = ctx.Server.Table.Find(ctx.Arg(2));
        if (spec is null)
        {
            ctx.Error("ERR Invalid command specified");
            return;
        }
        int offset = 2;
        if (spec.Subcommands is not null && spec.Handler is null && ctx.ArgumentCount > 3)
        {
            spec = CommandTable.FindSubcommand(spec, ctx.Arg(3)) ?? spec;
        }
        if (!KeyPositions.HasKeys(spec))
        {
            ctx.Error("ERR The command has no key arguments");
            return;
        }
        int argc = ctx.ArgumentCount - offset;
        if (!spec.AcceptsArgumentCount(argc))
        {
            ctx.Error("ERR Invalid number of arguments specified for command");
            return;
        }
        List<int> positions = KeyPositions.Of(spec, argc, i => ctx.Arguments.GetMemory(offset + i), out bool valid);
        if (!valid || positions.Count == 0)
        {
            ctx.Error("ERR Invalid arguments specified for command");
            return;
        }
        ctx.Reply.WriteArrayHeader(positions.Count);
        foreach (int position in positions)
        {
            ctx.Reply.WriteBulkString(ctx.Arg(offset + position));
        }
    }

    [Command("COMMAND|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "COMMAND",
        ["(no subcommand)", "COUNT", "INFO [<command-name> ...]", "DOCS [<command-name> ...]", "GETKEYS <full-command>",
         "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]"]);
}
