namespace Cairn.Commands.Execution;

/// <summary>Writes a "X HELP" reply in Redis's shape: a header line, the lines, and the HELP line.</summary>
public static class HelpText
{
    public static void Write(CommandContext ctx, string command, string[] lines)
    {
        ctx.Reply.WriteArrayHeader(lines.Length + 3);
        ctx.Reply.WriteSimpleString($"{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        foreach (string line in lines)
        {
            ctx.Reply.WriteSimpleString(line);
        }
        ctx.Reply.WriteSimpleString("HELP");
        ctx.Reply.WriteSimpleString("    Print this help.");
    }
}
