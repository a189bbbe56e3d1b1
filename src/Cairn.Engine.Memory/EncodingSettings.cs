namespace Cairn.Engine.Memory;

/// <summary>
/// Thresholds that choose a value's compact or full encoding, with their redis.conf names and defaults.
/// Static for now; CONFIG SET will write them. Thread safety: read and written under the store lock.
/// </summary>
public static class EncodingSettings
{
    /// <summary>list-max-listpack-size: negative = byte limit per node (-1 4 KB ... -5 64 KB), positive = entries per node.</summary>
    public static int ListMaxListpackSize { get; set; } = -2;

    /// <summary>hash-max-listpack-entries: a hash with more fields becomes a hashtable.</summary>
    public static int HashMaxListpackEntries { get; set; } = 128;

    /// <summary>hash-max-listpack-value: a field or value longer than this makes the hash a hashtable.</summary>
    public static int HashMaxListpackValue { get; set; } = 64;
}
