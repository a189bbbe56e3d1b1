namespace Cairn.Engine.Lsm.Manifest;

/// <summary>Field tags of an encoded version edit. Durable: values are frozen.</summary>
internal enum VersionEditTag : uint
{
    FormatVersion = 1,
    LogNumber = 2,
    NextFileNumber = 3,
    LastSequence = 4,
    DeletedFile = 5,
    NewFile = 6,
}
