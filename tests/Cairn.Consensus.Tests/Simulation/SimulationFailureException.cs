namespace Cairn.Consensus.Tests.Simulation;

/// <summary>A safety or liveness property failed in a simulation run.</summary>
public sealed class SimulationFailureException : Exception
{
    public SimulationFailureException(string message) : base(message)
    {
    }
}
