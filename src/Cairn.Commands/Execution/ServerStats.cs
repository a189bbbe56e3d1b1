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
