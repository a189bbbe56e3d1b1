using System.Collections;
using Cairn.Primitives;

namespace Cairn.Documents.Json;

/// <summary>
/// The storage of an object node: members in insertion order in one array (no List wrapper: one object less per JSON
/// object), plus a name → position map built lazily once the object is wide enough that a scan costs more than a hash
/// (so JSON paths stay O(1) per step on hash-like documents).
/// </summary>
/// <remarks>Invariant: when <see cref="_index"/> is not null it maps every member name to its current position; slots at
/// and beyond <see cref="Count"/> are default. Every mutation goes through this type (the mutators are internal: callers
/// outside the library read only); removals drop the map (positions shift) and the next wide look-up rebuilds it.</remarks>
public sealed class JsonObjectMembers : IReadOnlyList<JsonMember>
{
    private const int IndexThreshold = 16;

    private JsonMember[] _items;
    private int _count;
    private Dictionary<byte[], int>? _index;

    internal JsonObjectMembers() => _items = [];

    /// <summary>Takes the members (copied into an exactly sized array). REQUIRES unique names.</summary>
    internal JsonObjectMembers(List<JsonMember> members)
    {
        _items = members.ToArray();
        _count = _items.Length;
    }

    public int Count => _count;

    public JsonMember this[int index] => (uint)index < (uint)_count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<JsonMember> IEnumerable<JsonMember>.GetEnumerator()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return _items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<JsonMember>)this).GetEnumerator();

    public int IndexOf(ReadOnlySpan<byte> name)
    {
        if (_count <= IndexThreshold)
        {
            for (int i = 0; i < _count; i++)
            {
                if (name.SequenceEqual(_items[i].Name))
                {
                    return i;
                }
            }
            return -1;
        }
        if (_index is null)
        {
            _index = new Dictionary<byte[], int>(_count, ByteArrayComparer.Instance);
            for (int i = 0; i < _count; i++)
            {
                _index[_items[i].Name] = i;
            }
        }
        return _index.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out int position) ? position : -1;
    }

    /// <summary>Appends a member. REQUIRES the name is not present.</summary>
    internal void Add(JsonMember member)
    {
        if (_count == _items.Length)
        {
            System.Array.Resize(ref _items, Math.Max(4, _items.Length * 2));
        }
        _items[_count++] = member;
        _index?.Add(member.Name, _count - 1);
    }

    internal void Replace(int position, JsonValue value) => _items[position] = new JsonMember(_items[position].Name, value);

    internal void RemoveAt(int position)
    {
        if ((uint)position >= (uint)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(position));
        }
        _count--;
        System.Array.Copy(_items, position + 1, _items, position, _count - position);
        _items[_count] = default;
        _index = null;
    }

    internal void Clear()
    {
        _items = [];
        _count = 0;
        _index = null;
    }

    internal void TrimExcess()
    {
        if (_items.Length != _count)
        {
            System.Array.Resize(ref _items, _count);
        }
    }

    /// <summary>This object's own heap bytes: itself, the members array and the name index if built (values excluded).</summary>
    internal long EstimateOwnBytes()
    {
        const long selfBytes = 40; // header + method table + array and index references + count
        long total = selfBytes + (_items.Length == 0 ? 0 : 24 + (16L * _items.Length));
        if (_index is not null)
        {
            total += 80 + (28L * _index.Count); // dictionary object + buckets and entries, roughly
        }
        return total;
    }

    /// <summary>Allocation-free enumeration for foreach over <see cref="JsonValue.Members"/>.</summary>
    public struct Enumerator(JsonObjectMembers members)
    {
        private int _position = -1;

        public readonly JsonMember Current => members._items[_position];

        public bool MoveNext() => ++_position < members._count;
    }
}
