namespace Cairn.TimeSeries.Replies;

/// <summary>The RESP shape of a <see cref="TsReply"/> node.</summary>
public enum TsReplyKind
{
    Integer,

    /// <summary>A sample value: RESP2 writes it as a simple string formatted by <see cref="ValueFormatter"/>, RESP3 as a double.</summary>
    Double,

    BulkString,
    SimpleString,
    Nil,
    Array,

    /// <summary>RESP3 map of alternating keys and values in <see cref="TsReply.Items"/>; RESP2 writers emit it as a flat array.</summary>
    Map,

    /// <summary>RESP3 set; RESP2 writers emit it as an array.</summary>
    Set,
}
