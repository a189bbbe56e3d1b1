namespace Cairn.Commands.Execution;

/// <summary>Executes one command: reads ctx.Arguments, changes the store, writes exactly one reply through ctx.Reply.</summary>
public delegate void CommandHandler(CommandContext ctx);
