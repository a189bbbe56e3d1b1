namespace Cairn.Replication.Versioning;

/// <summary>How two vector clocks relate: one happened before the other, they are equal, or they are concurrent.</summary>
public enum ClockOrder
{
    Equal = 0,
    Before = 1,
    After = 2,
    Concurrent = 3,
}
