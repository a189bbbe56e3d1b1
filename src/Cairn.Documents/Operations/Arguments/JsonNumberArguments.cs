namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.NUMINCRBY / JSON.NUMMULTBY key path number (the number stays text until the operation parses it as JSON).</summary>
public sealed record JsonNumberArguments(byte[] Key, string Path, byte[] Number);
