namespace Cairn.Commands.PubSub;

/// <summary>notify-keyspace-events classes (Redis's NOTIFY_* bits).</summary>
[Flags]
public enum KeyspaceEvents
{
    None = 0,
    Keyspace = 1 << 0,
    Keyevent = 1 << 1,
    Generic = 1 << 2,
    String = 1 << 3,
    List = 1 << 4,
    Set = 1 << 5,
    Hash = 1 << 6,
    SortedSet = 1 << 7,
    Expired = 1 << 8,
    Evicted = 1 << 9,
    Stream = 1 << 10,
    KeyMiss = 1 << 11,
    Module = 1 << 12,
    New = 1 << 13,
    All = Generic | String | List | Set | Hash | SortedSet | Expired | Evicted | Stream | Module,
}
