using Cairn.Protocol.Resp;

namespace Cairn.Commands.Clients;

/// <summary>
/// A connection that can leave a command's reply to come later (<see cref="Execution.CommandContext.DeferReply"/>): the
/// cluster router's requests, answered by peers. The connection stops its batch after that command (later pipelined
/// requests stay buffered, so replies keep request order) and waits, without the blocking machinery, until the reply is
/// written here; its read loop then resumes on the thread that wrote it.
/// </summary>
/// <remarks>
/// Contract: at most one reply is deferred at a time per connection (the connection runs nothing else meanwhile). The
/// answerer calls <see cref="TryWriteDeferredReply"/> and, if it returned true, <see cref="ResumeAfterDeferredReply"/>,
/// on a thread where the client's read loop may continue (holding no lock), or on a thread-pool thread. A connection
/// closed while waiting (CLIENT KILL, output limit, a failed send) stops waiting at once; the late answer then finds
/// nothing to write (false).
/// </remarks>
public interface IDeferredReplyConnection
{
    /// <summary>
    /// Writes the deferred reply (discarded if the command ran under CLIENT REPLY OFF/SKIP) and sends it: false when the
    /// connection no longer waits for one (closed). Takes the connection's output lock; the store lock may be held.
    /// </summary>
    bool TryWriteDeferredReply<TState>(TState state, Action<RespWriter, TState> write);

    /// <summary>
    /// Resumes the client's read loop on this thread (it goes on with requests buffered behind the deferred one, or waits
    /// for the next). Only after <see cref="TryWriteDeferredReply"/> returned true. REQUIRES: no store or output lock held.
    /// </summary>
    void ResumeAfterDeferredReply();
}
