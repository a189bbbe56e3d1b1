namespace Cairn.Consensus;

public enum TransferStatus : byte
{
    Started = 1,
    NotLeader = 2,
    AlreadyLeader = 3,
    NotAVoter = 4,
}
