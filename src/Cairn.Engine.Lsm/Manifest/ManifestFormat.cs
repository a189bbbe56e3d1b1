namespace Cairn.Engine.Lsm.Manifest;

/// <summary>Constants of the manifest (docs/formats/manifest.md).</summary>
internal static class ManifestFormat
{
    /// <summary>Version of the version-edit encoding, written in the first edit of every manifest.</summary>
    public const uint Version = 1;

    public const string CurrentFileName = "CURRENT";
}
