namespace Cairn.Engine.Memory.Persistence;

/// <summary>appendfsync: always (acknowledge after fsync, group commit), everysec, no (leave it to the OS).</summary>
public enum FsyncPolicy
{
    Always,
    EverySecond,
    No,
}
