namespace Cairn.Commands.Execution;

/// <summary>One SLOWLOG entry (arguments truncated as Redis does: 32 arguments, 128 bytes each).</summary>
public sealed record SlowLogEntry(long Id, long UnixSeconds, long Microseconds, byte[][] Arguments, string ClientAddress, string ClientName);
