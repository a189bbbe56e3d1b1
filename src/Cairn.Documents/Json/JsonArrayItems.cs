using System.Collections;

namespace Cairn.Documents.Json;

/// <summary>
/// A view over an array node's elements with the List-like operations the library uses. The elements live in the node
/// itself (a JsonValue[] and a count, no List object), so this struct is only a handle: every change goes to the node.
/// </summary>
public readonly struct JsonArrayItems(JsonValue array) : IReadOnlyList<JsonValue>
{
    public int Count => array.ArrayCount;

    /// <summary>Slots allocated (for memory accounting).</summary>
    public int Capacity => array.ArrayCapacity;

    public JsonValue this[int index]
    {
        get => array.ArrayGet(index);
        set => array.ArraySet(index, value);
    }

    public void Add(JsonValue value)
    {
        int at = array.ArrayCount;
        array.ArrayOpenGap(at, 1)[at] = value;
    }

    public void Insert(int at, JsonValue value) => array.ArrayOpenGap(at, 1)[at] = value;

    public void InsertRange(int at, IReadOnlyList<JsonValue> values)
    {
        var slots = array.ArrayOpenGap(at, values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            slots[at + i] = values[i];
        }
    }

    public void RemoveAt(int index) => array.ArrayRemoveRange(index, 1);

    public void RemoveRange(int from, int count) => array.ArrayRemoveRange(from, count);

    public void Clear() => array.ArrayClear();

    public Enumerator GetEnumerator() => new(array);

    IEnumerator<JsonValue> IEnumerable<JsonValue>.GetEnumerator()
    {
        for (int i = 0; i < array.ArrayCount; i++)
        {
            yield return array.ArrayGet(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<JsonValue>)this).GetEnumerator();

    /// <summary>Allocation-free enumeration for foreach over <see cref="JsonValue.Items"/>.</summary>
    public struct Enumerator(JsonValue array)
    {
        private int _position = -1;

        public readonly JsonValue Current => array.ArrayGet(_position);

        public bool MoveNext() => ++_position < array.ArrayCount;
    }
}
