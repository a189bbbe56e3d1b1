namespace Cairn.Engine.Memory.Sets;

/// <summary>
/// Thresholds past which a set leaves its compact encodings, as Redis's set-max-intset-entries,
/// set-max-listpack-entries and set-max-listpack-value (7.2 defaults). Static until CONFIG is wired to them; read under
/// the store lock, so a change applies to the next write.
/// </summary>
public static class SetEncodingLimits
{
    public static int MaxIntsetEntries { get; set; } = 512;

    public static int MaxListpackEntries { get; set; } = 128;

    public static int MaxListpackValueBytes { get; set; } = 64;
}
