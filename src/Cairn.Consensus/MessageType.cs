namespace Cairn.Consensus;

/// <summary>Raft peer messages. Values are part of the wire format (docs/formats/raft-log.md): never renumber.</summary>
public enum MessageType : byte
{
    Append = 1,
    AppendResponse = 2,
    Vote = 3,
    VoteResponse = 4,
    PreVote = 5,
    PreVoteResponse = 6,
    Heartbeat = 7,
    HeartbeatResponse = 8,
    InstallSnapshot = 9,
    TimeoutNow = 10,
}
