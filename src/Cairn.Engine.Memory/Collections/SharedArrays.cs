namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// The arrays that one snapshot's views read on the snapshot's thread while their values go on changing
/// (<see cref="Keyspace.DataObject.BeginSnapshotView"/>): a value about to write into one of them writes into a copy of
/// it instead (copy-on-write below the key: a list's chunks, a table's slot chunks). Compared by reference. Thread
/// safety: filled and read under the store lock only; the snapshot's thread reads the arrays, never this set.
/// </summary>
public sealed class SharedArrays
{
    private readonly HashSet<Array> _arrays = new(ReferenceEqualityComparer.Instance);

    public void Add(Array array) => _arrays.Add(array);

    public bool Contains(Array array) => _arrays.Contains(array);

    /// <summary>Replaces <paramref name="array"/> with a private copy when a view holds it: what a value does before it
    /// writes into one of its arrays.</summary>
    public void CopyIfHeld<T>(ref T[] array)
    {
        if (_arrays.Contains(array))
        {
            array = (T[])array.Clone();
        }
    }
}
