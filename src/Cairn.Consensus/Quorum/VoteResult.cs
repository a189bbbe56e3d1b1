namespace Cairn.Consensus.Quorum;

public enum VoteResult : byte
{
    Pending = 1,
    Won = 2,
    Lost = 3,
}
