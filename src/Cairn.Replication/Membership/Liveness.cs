namespace Cairn.Replication.Membership;

/// <summary>What the failure detector believes of a peer.</summary>
public enum Liveness
{
    Alive = 0,
    Suspect = 1,
    Down = 2,
}
