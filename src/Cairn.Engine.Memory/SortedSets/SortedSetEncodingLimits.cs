namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// Redis's zset-max-listpack-entries and zset-max-listpack-value. Static until CONFIG is wired to them; read under the
/// store lock, so a change applies to the next write.
/// </summary>
public static class SortedSetEncodingLimits
{
    public static int MaxListpackEntries { get; set; } = 128;

    public static int MaxListpackValueBytes { get; set; } = 64;
}
