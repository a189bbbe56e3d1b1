namespace Cairn.Engine.Lsm.Memtable;

/// <summary>Outcome of looking a user key up in one source (memtable or table) as of a snapshot.</summary>
internal enum LookupResult
{
    NotFound,
    Found,
    Deleted,
}
