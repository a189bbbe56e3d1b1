using Cairn.Commands.Clients;
using Cairn.Commands.Specs;

namespace Cairn.Commands.Execution;

/// <summary>
/// A client waiting for keys (BLPOP and friends). Created by the handler (which writes no reply), registered by the
/// dispatcher, served by <see cref="BlockingRegistry"/> when a key it waits on changes, or answered on timeout.
/// </summary>
public sealed class BlockRequest
{
    /// <param name="resumesInline">
    /// True: the waiting client's connection resumes on the thread that completes <see cref="Completion"/> instead of being
    /// queued to the thread pool (a thread hop and a wake-up per request). Only for a completer that can run that connection's
    /// read loop where it stands: it must not hold the store lock or any connection's output lock (the cluster router, which
    /// otherwise hands the completion to the thread pool itself).
    /// </param>
    public BlockRequest(IReadOnlyList<byte[]> keys, long deadlineMilliseconds, TimeoutReply timeoutReply, bool resumesInline = false)
    {
        Keys = keys;
        DeadlineMilliseconds = deadlineMilliseconds;
        TimeoutReply = timeoutReply;
        ResumesInline = resumesInline;
        Completion = new(resumesInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public bool ResumesInline { get; }

    public IReadOnlyList<byte[]> Keys { get; }

    /// <summary>Unix ms after which the client gets its timeout reply; 0 waits forever.</summary>
    public long DeadlineMilliseconds { get; }

    public TimeoutReply TimeoutReply { get; }

    /// <summary>
    /// True when a waiter that cannot be served says nothing about the next one (XREAD with its own IDs, XREADGROUP on
    /// another group), so serving goes on down the queue; false (lists) stops at the first waiter that stays blocked.
    /// </summary>
    public bool IndependentOfOtherWaiters { get; init; }

    /// <summary>
    /// False for a request the server itself completes in bounded time (a command routed to the cluster): the connection
    /// then waits without watching the socket for the peer closing, a watch whose cancellation costs the pipe reader an
    /// exception per request. A client closed meanwhile is noticed when the request completes.
    /// </summary>
    public bool WatchPeerClose { get; init; } = true;

    /// <summary>
    /// Run by the connection on its own thread once it has parked the client (store lock released, replies flushed), just
    /// before it waits. The cluster router resumes there the clients that a batch on this thread answered while it held the
    /// store lock (which they cannot resume under). Null for every other request.
    /// </summary>
    public Action? Parked { get; init; }

    public int Database { get; set; }

    public Client Client { get; set; } = null!;

    public CommandContext Context { get; set; } = null!;

    public CommandSpec Spec { get; set; } = null!;

    public byte[][] Arguments { get; set; } = [];

    /// <summary>Completes (true) when the command was served, (false) when it was cancelled (client closed, CLIENT UNBLOCK).</summary>
    public TaskCompletionSource<bool> Completion { get; }

    public bool IsDone => Completion.Task.IsCompleted;
}
