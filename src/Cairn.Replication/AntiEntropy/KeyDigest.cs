namespace Cairn.Replication.AntiEntropy;

/// <summary>
/// The version digest a <see cref="MerkleTree"/> holds for one key, as a cell the <see cref="VersionTable"/> shares, so that a
/// key's next version updates the tree without looking the key up in it. Thread safety: not thread safe (owned by one tree).
/// </summary>
public sealed class KeyDigest
{
    public ulong Value { get; set; }
}
