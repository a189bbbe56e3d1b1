namespace Cairn.Consensus;

public enum ProposeStatus : byte
{
    Accepted = 1,
    NotLeader = 2,
    LeadershipTransferInProgress = 3,
    TooManyUncommittedEntries = 4,

    /// <summary>A configuration change is already in the log and not committed; changes go one at a time.</summary>
    ConfigurationChangePending = 5,

    /// <summary>The new leader has not committed an entry of its own term yet (the fix for one-server changes, Ongaro 2015).</summary>
    LeaderNotReady = 6,

    InvalidConfigurationChange = 7,
}
