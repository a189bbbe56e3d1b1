namespace Cairn.Commands.Specs;

/// <summary>Per-command counters for INFO commandstats and INFO errorstats.</summary>
public sealed class CommandStatistics
{
    public long Calls;
    public long Microseconds;
    public long RejectedCalls;
    public long FailedCalls;

    public void Reset()
    {
        Calls = 0;
        Microseconds = 0;
        RejectedCalls = 0;
        FailedCalls = 0;
    }
}
