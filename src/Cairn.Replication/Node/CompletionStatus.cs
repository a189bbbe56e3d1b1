namespace Cairn.Replication.Node;

public enum CompletionStatus
{
    Ok = 0,
    /// <summary>Refused before doing anything: too few replicas are live to meet the quorum.</summary>
    NoQuorum = 1,
    /// <summary>The quorum was not met in time; a write may or may not have taken effect.</summary>
    Timeout = 2,
}
