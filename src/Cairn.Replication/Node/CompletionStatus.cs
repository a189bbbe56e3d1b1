namespace Cairn.Replication.Node;

public enum CompletionStatus
{
    Ok = 0,
    /// <summary>Refused before doing anything: too few replicas are live to meet the quorum.</summary>
    NoQuorum = 1,
    /// <summary>The quorum was not met in time; a write may or may not have taken effect.</summary>
    Timeout = 2,
    /// <summary>A blocking command found nothing to serve on the primary (nothing changed); Reply is its timeout reply.</summary>
    WouldBlock = 3,
    /// <summary>Not an answer: a key the request's blocking command waits on changed on its primary (retry it).</summary>
    KeysReady = 4,
    /// <summary>A transaction's WATCHed key changed since it was watched: nothing ran (EXEC answers a null array).</summary>
    WatchAborted = 5,
}
