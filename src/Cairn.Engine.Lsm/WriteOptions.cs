namespace Cairn.Engine.Lsm;

/// <summary>How a write is made durable.</summary>
public sealed class WriteOptions
{
    public static WriteOptions Default { get; } = new();

    /// <summary>Sync the write-ahead log before acknowledging: the write survives a power loss. Without it the write
    /// survives a process crash (it reached the operating system) but may be lost with the machine.</summary>
    public bool Sync { get; init; }
}
