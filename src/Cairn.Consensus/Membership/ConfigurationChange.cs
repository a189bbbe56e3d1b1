namespace Cairn.Consensus.Membership;

/// <summary>A single-server membership change, carried as the data of an <see cref="EntryType.ConfigurationChange"/> entry.</summary>
public readonly record struct ConfigurationChange(ConfigurationChangeType Type, ulong Node);
