namespace Cairn.Consensus;

public enum ReadIndexStatus : byte
{
    /// <summary>A <see cref="ReadState"/> with the request id will come in a Ready, unless leadership is lost first.</summary>
    Accepted = 1,
    NotLeader = 2,
    TooManyPendingReads = 3,
}
