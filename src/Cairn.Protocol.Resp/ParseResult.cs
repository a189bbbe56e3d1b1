namespace Cairn.Protocol.Resp;

/// <summary>Outcome of parsing one request from the receive buffer.</summary>
public enum ParseResult
{
    /// <summary>A whole request was parsed into the arguments (possibly zero arguments: an empty line or "*0").</summary>
    Complete,

    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>The input violates the protocol; the error text is set and the connection must be closed after replying.</summary>
    ProtocolError,
}
