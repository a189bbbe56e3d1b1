namespace Cairn.Replication.Quorum;

public enum QuorumOutcome
{
    Pending = 0,
    Reached = 1,
    Failed = 2,
}
