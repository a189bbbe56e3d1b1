namespace Cairn.Documents.Operations;

/// <summary>The RESP shape of a reply. Double is a bulk string under RESP2; Map is written as a RESP3 map, or as a flat
/// name/value array under RESP2; Boolean is RESP3 '#', an integer 1/0 under RESP2;
/// Set is RESP3 '~', an array under RESP2.</summary>
public enum JsonReplyKind : byte
{
    Null = 0,
    Ok = 1,
    Integer = 2,
    Double = 3,
    BulkString = 4,
    SimpleString = 5,
    Error = 6,
    Array = 7,
    Map = 8,
    Boolean = 9,
    Set = 10,
}
