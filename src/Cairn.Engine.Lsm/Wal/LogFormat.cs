namespace Cairn.Engine.Lsm.Wal;

/// <summary>
/// Constants of the record log shared by the write-ahead log and the manifest (docs/formats/lsm-wal.md): LevelDB's block
/// format with a header record carrying a magic and a version.
/// </summary>
internal static class LogFormat
{
    /// <summary>Version of the record framing and of the write-batch payload. Bump on any incompatible change.</summary>
    public const uint Version = 1;

    public const int BlockSizeBytes = 32 * 1024;

    /// <summary>checksum (4) + length (2) + type (1).</summary>
    public const int HeaderBytes = 7;

    public static ReadOnlySpan<byte> WalMagic => "CAIRNWAL"u8;

    public static ReadOnlySpan<byte> ManifestMagic => "CAIRNMAN"u8;
}
