namespace Cairn.Engine.Lsm.Memtable;

/// <summary>Outcome of looking a user key up in one source (memtable or table) as of a snapshot.</summary>
internal enum LookupResult
{
    NotFound,
    Found,

    /// <summary>Found a value with a time to live: the value still carries its expiry prefix.</summary>
    FoundExpiring,
    Deleted,
}
