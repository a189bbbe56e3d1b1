namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// The compact encoding of small lists (Redis's listpack) as an object: a <see cref="PackedBuffer"/> (every element as
/// [varint length][bytes], back to back, in one array) for containers that switch between encodings and so hold it by
/// reference. Containers that keep it inline hold the struct itself. Thread safety: none (under the store lock).
/// </summary>
public sealed class PackedElements
{
    private PackedBuffer _elements;

    public PackedElements(int capacityBytes = 16, int capacityElements = 0)
    {
        _elements = new PackedBuffer(capacityBytes + capacityElements);
    }

    private PackedElements(PackedBuffer elements)
    {
        _elements = elements;
    }

    public int Count => _elements.Count;

    /// <summary>Bytes held, length headers included.</summary>
    public int UsedBytes => _elements.UsedBytes;

    public ReadOnlySpan<byte> this[int index] => _elements[index];

    /// <summary>The elements from <paramref name="index"/> to the end, in order (<see cref="PackedBuffer.ReadFrom"/>).</summary>
    public PackedReader ReadFrom(int index) => _elements.ReadFrom(index);

    public void Insert(int index, ReadOnlySpan<byte> element) => _elements.Insert(index, element);

    public void Add(ReadOnlySpan<byte> element) => _elements.Add(element);

    public void RemoveAt(int index) => _elements.RemoveAt(index);

    /// <summary>Removes <paramref name="count"/> elements starting at <paramref name="index"/>.</summary>
    public void RemoveRange(int index, int count) => _elements.RemoveRange(index, count);

    public void Replace(int index, ReadOnlySpan<byte> element) => _elements.Replace(index, element);

    public PackedElements Clone() => new(_elements.Clone());
}
