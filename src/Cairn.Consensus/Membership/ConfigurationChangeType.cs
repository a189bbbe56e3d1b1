namespace Cairn.Consensus.Membership;

/// <summary>One-server membership changes. Values are persisted inside entries: never renumber.</summary>
public enum ConfigurationChangeType : byte
{
    AddVoter = 1,
    AddLearner = 2,
    RemoveNode = 3,
}
