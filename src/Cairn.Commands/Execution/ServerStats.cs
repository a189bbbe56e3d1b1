namespace Cairn.Commands.Execution;

/// <summary>Server-wide counters for INFO stats. Incremented with Interlocked where connections update them outside the lock.</summary>
public sealed class ServerStats
{
    public long CommandsProcessed;
    public long NetInputBytes;
    public long NetOutputBytes;
    public long ErrorReplies;
    public long UnexpectedErrorReplies;
    public long ClientQueryBufferLimitDisconnections;
    public long ClientOutputBufferLimitDisconnections;
    public long TotalBlockingKeys;

    /// <summary>The event loops' poll counts (<see cref="ServerContext.EventLoopPolls"/>) at the last CONFIG RESETSTAT:
    /// INFO reports the counts since then.</summary>
    public EventLoopPollCounts EventLoopPollsAtReset;

    public void Reset()
    {
        CommandsProcessed = 0;
        NetInputBytes = 0;
        NetOutputBytes = 0;
        ErrorReplies = 0;
        UnexpectedErrorReplies = 0;
        ClientQueryBufferLimitDisconnections = 0;
        ClientOutputBufferLimitDisconnections = 0;
    }
}

/// <summary>Idle polls of the epoll loops (docs/threading.md, "A loop polls before it sleeps"): those that found events
/// before their window ended, and those that found none.</summary>
public readonly record struct EventLoopPollCounts(long WithEvents, long WithoutEvents)
{
    public static EventLoopPollCounts operator -(EventLoopPollCounts a, EventLoopPollCounts b) =>
        new(a.WithEvents - b.WithEvents, a.WithoutEvents - b.WithoutEvents);
}
