namespace Cairn.Replication.Tests.Simulation;

/// <summary>What one simulated run does, drawn from its seed.</summary>
internal sealed record SimulationOptions(
    int Nodes,
    int Clients,
    int KeysPerClient,
    double LossProbability,
    bool Partitions,
    bool Crashes,
    bool SloppyQuorum,
    bool Join,
    int FaultPhaseMilliseconds,
    int QuietPhaseMilliseconds)
{
    public static SimulationOptions FromSeed(ulong seed)
    {
        var random = new Cairn.Primitives.SeededRandom(seed ^ 0xC1A5_7E12UL);
        return new SimulationOptions(
            Nodes: 3 + random.NextInt(3),
            Clients: 2 + random.NextInt(3),
            KeysPerClient: 1 + random.NextInt(4),
            LossProbability: random.NextInt(3) == 0 ? 0 : random.NextDouble() * 0.1,
            Partitions: random.NextInt(2) == 0,
            Crashes: random.NextInt(2) == 0,
            SloppyQuorum: random.NextInt(4) == 0,
            Join: random.NextInt(3) == 0,
            FaultPhaseMilliseconds: 5000,
            QuietPhaseMilliseconds: 5000);
    }
}
