using Xunit.Abstractions;

namespace Cairn.Consensus.Tests.Simulation;

/// <summary>Replays one seed with a trace: CAIRN_SIM_REPLAY=seed dotnet test --filter ReplaySeedWithTrace.</summary>
public sealed class SimulationReplay
{
    private readonly ITestOutputHelper _output;

    public SimulationReplay(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void ReplaySeedWithTrace()
    {
        if (!ulong.TryParse(Environment.GetEnvironmentVariable("CAIRN_SIM_REPLAY"), out ulong seed))
        {
            return;
        }
        var options = SimulationOptions.FromSeed(seed);
        _output.WriteLine($"seed {seed}: {options}");
        var simulator = new Simulator(options) { Trace = _output.WriteLine };
        _output.WriteLine(simulator.Run().ToString());
    }
}
