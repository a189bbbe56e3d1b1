namespace Cairn.Engine.Memory.Keyspace;

/// <summary>The type of a key's value, as TYPE reports it. Values are frozen: snapshots store them.</summary>
public enum DataType : byte
{
    None = 0,
    String = 1,
    List = 2,
    Set = 3,
    SortedSet = 4,
    Hash = 5,
    Stream = 6,
    TimeSeries = 7,
    Json = 8,
}
