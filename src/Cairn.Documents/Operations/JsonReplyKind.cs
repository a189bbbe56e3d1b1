namespace Cairn.Documents.Operations;

/// <summary>The RESP shape of a reply (RESP2 view; the command layer maps Double to a bulk string under RESP2).</summary>
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
}
