using Cairn.Engine.Lsm.Manifest;
using Cairn.Engine.Lsm.Memtable;

namespace Cairn.Engine.Lsm;

/// <summary>
/// What a read needs, captured together: the active memtable, the immutable ones (newest first) and the current version.
/// Readers pin it lock-free (increment, then check it is still current; otherwise let go and retry), and the obsolete-file
/// sweep keeps every file of a retired state that is still pinned. Immutable apart from the pin count.
/// </summary>
internal sealed class ReadState
{
    private int _pins;

    public ReadState(MemTable active, MemTable[] immutables, TreeVersion version)
    {
        Active = active;
        Immutables = immutables;
        Version = version;
    }

    public MemTable Active { get; }

    /// <summary>Newest first.</summary>
    public MemTable[] Immutables { get; }

    public TreeVersion Version { get; }

    public int Pins => Volatile.Read(ref _pins);

    public void Pin() => Interlocked.Increment(ref _pins);

    public void Unpin() => Interlocked.Decrement(ref _pins);

    public bool HasRangeTombstones
    {
        get
        {
            if (Active.RangeTombstoneCount > 0 || Version.HasRangeTombstones)
            {
                return true;
            }
            foreach (MemTable immutable in Immutables)
            {
                if (immutable.RangeTombstoneCount > 0)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
