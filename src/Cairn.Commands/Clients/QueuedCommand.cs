using Cairn.Commands.Specs;

namespace Cairn.Commands.Clients;

/// <summary>A command queued inside MULTI, with its arguments copied out of the receive buffer.</summary>
public sealed record QueuedCommand(CommandSpec Spec, byte[][] Arguments);
