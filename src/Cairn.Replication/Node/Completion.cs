using Cairn.Replication.Versioning;

namespace Cairn.Replication.Node;

/// <summary>
/// The answer to a client request: the reply to send (when Ok) or a reason and message. For <see cref="CompletionStatus.WouldBlock"/>,
/// <see cref="RetryCommand"/> is the command to retry (a blocking command may have rewritten its arguments, as XREAD's '$')
/// and <see cref="BlockTimeoutMilliseconds"/> the block's timeout (0 = forever). A read's <see cref="Versions"/> are the newest
/// versions of its keys among the responders (for WATCH).
/// </summary>
public sealed record Completion(long RequestId, CompletionStatus Status, byte[] Reply, string Error, byte[]? RetryCommand = null,
    long BlockTimeoutMilliseconds = 0, IReadOnlyList<ValueVersion>? Versions = null);
