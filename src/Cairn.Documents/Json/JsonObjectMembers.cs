using Cairn.Primitives;

namespace Cairn.Documents.Json;

/// <summary>
/// The storage of an object node: members in insertion order, plus a name → position map built lazily once the object is
/// wide enough that a scan costs more than a hash (so JSON paths stay O(1) per step on hash-like documents).
/// </summary>
/// <remarks>Invariant: when <see cref="_index"/> is not null it maps every member name to its current position. Every
/// mutation goes through this type; removals drop the map (positions shift) and the next wide look-up rebuilds it.</remarks>
internal sealed class JsonObjectMembers(List<JsonMember> list)
{
    private const int IndexThreshold = 16;

    private Dictionary<byte[], int>? _index;

    public List<JsonMember> List { get; } = list;

    public int IndexOf(ReadOnlySpan<byte> name)
    {
        var members = List;
        if (members.Count <= IndexThreshold)
        {
            for (int i = 0; i < members.Count; i++)
            {
                if (name.SequenceEqual(members[i].Name))
                {
                    return i;
                }
            }
            return -1;
        }
        if (_index is null)
        {
            _index = new Dictionary<byte[], int>(members.Count, ByteArrayComparer.Instance);
            for (int i = 0; i < members.Count; i++)
            {
                _index[members[i].Name] = i;
            }
        }
        return _index.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out int position) ? position : -1;
    }

    /// <summary>Appends a member. REQUIRES the name is not present.</summary>
    public void Add(JsonMember member)
    {
        List.Add(member);
        _index?.Add(member.Name, List.Count - 1);
    }

    public void Replace(int position, JsonValue value) => List[position] = new JsonMember(List[position].Name, value);

    public void RemoveAt(int position)
    {
        List.RemoveAt(position);
        _index = null;
    }

    public void Clear()
    {
        List.Clear();
        _index = null;
    }
}
