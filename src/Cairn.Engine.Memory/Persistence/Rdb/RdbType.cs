namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>Redis's RDB object type bytes (rdb.h, RDB_TYPE_*). Frozen by Redis: values must never change.</summary>
public static class RdbType
{
    public const byte String = 0;
    public const byte List = 1;
    public const byte Set = 2;
    public const byte SortedSet = 3;
    public const byte Hash = 4;
    public const byte SortedSet2 = 5;
    public const byte Module = 6;
    public const byte Module2 = 7;
    public const byte HashZipmap = 9;
    public const byte ListZiplist = 10;
    public const byte SetIntset = 11;
    public const byte SortedSetZiplist = 12;
    public const byte HashZiplist = 13;
    public const byte ListQuicklist = 14;
    public const byte StreamListpacks = 15;
    public const byte HashListpack = 16;
    public const byte SortedSetListpack = 17;
    public const byte ListQuicklist2 = 18;
    public const byte StreamListpacks2 = 19;
    public const byte SetListpack = 20;
    public const byte StreamListpacks3 = 21;

    /// <summary>Quicklist 2 node containers (quicklist.h): one plain element, or a listpack of elements.</summary>
    public const int QuicklistNodePlain = 1;
    public const int QuicklistNodePacked = 2;
}
