namespace Cairn.Replication.Placement;

/// <summary>What placement needs to know of a node: its id and, when zones are configured, its zone ("" = none).</summary>
public readonly record struct NodePlacement(string NodeId, string Zone);
