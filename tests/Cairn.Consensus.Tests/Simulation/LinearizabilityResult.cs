namespace Cairn.Consensus.Tests.Simulation;

public enum LinearizabilityResult
{
    Linearizable,
    NotLinearizable,

    /// <summary>The search hit its step budget; neither proved nor refuted.</summary>
    Inconclusive,
}
