namespace Cairn.Consensus;

/// <summary>The state a node must persist before sending any message produced with it (Figure 2: currentTerm, votedFor; plus commit).</summary>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    public static HardState Empty => default;

    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}
