namespace Cairn.Commands.Config;

/// <summary>One class of client-output-buffer-limit: hard bytes, soft bytes, soft seconds (0 = no limit).</summary>
public readonly record struct OutputBufferLimit(long HardBytes, long SoftBytes, long SoftSeconds);
