namespace Cairn.Primitives.FileSystem;

/// <summary>Operations a <see cref="FaultInjectingFileSystem"/> may fail with an <see cref="IOException"/>.</summary>
[Flags]
public enum FaultKinds
{
    None = 0,
    Append = 1,
    Sync = 2,
    Create = 4,
    Rename = 8,
    Read = 16,
    SyncDirectory = 32,
    All = Append | Sync | Create | Rename | Read | SyncDirectory,
}
