namespace Cairn.Replication.Node;

/// <summary>The answer to a client request: the reply to send (when Ok) or a reason and message.</summary>
public sealed record Completion(long RequestId, CompletionStatus Status, byte[] Reply, string Error);
