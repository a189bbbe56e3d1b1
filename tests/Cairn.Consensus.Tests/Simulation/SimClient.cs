namespace Cairn.Consensus.Tests.Simulation;

/// <summary>A workload client: one operation at a time, retrying on whichever node it believes leads.</summary>
internal sealed class SimClient
{
    public required int Id { get; init; }
    public HistoryOperation? Current { get; set; }
    public ulong CurrentNode { get; set; }
    public int Sequence { get; set; }
    public ulong LeaderGuess { get; set; }
    public int Issued { get; set; }
}
