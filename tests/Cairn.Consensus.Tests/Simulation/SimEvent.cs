namespace Cairn.Consensus.Tests.Simulation;

internal enum SimEventKind
{
    Tick,
    Deliver,
    Client,
    Fault,
    Restart,
}

/// <summary>One scheduled happening. Ordered by time, then by insertion, so equal times still replay identically.</summary>
internal readonly record struct SimEvent(SimEventKind Kind, ulong Node, Message? Message, int Client, int Incarnation);
