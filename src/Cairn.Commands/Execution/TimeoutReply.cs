namespace Cairn.Commands.Execution;

/// <summary>What a blocked command answers when its timeout passes.</summary>
public enum TimeoutReply
{
    /// <summary>Null array (*-1 in RESP2): BLPOP, BRPOP, BZPOPMIN, BLMPOP, XREAD.</summary>
    NullArray,

    /// <summary>Null bulk string ($-1): BLMOVE, BRPOPLPUSH.</summary>
    NullBulk,
}
