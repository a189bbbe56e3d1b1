namespace Cairn.Consensus;

public enum NodeRole : byte
{
    Follower = 1,
    PreCandidate = 2,
    Candidate = 3,
    Leader = 4,
}
