using System.Collections;

namespace Cairn.Documents.Json;

/// <summary>
/// A view over an object node's members, in insertion order. The members live in the node itself (a JsonMember[] and a
/// count, no wrapper object), so this struct is only a handle; reads see the node's current state. Mutations go through
/// <see cref="JsonValue"/>'s SetMember / AddMember / RemoveMember / ClearMembers.
/// </summary>
public readonly struct JsonObjectMembers(JsonValue node) : IReadOnlyList<JsonMember>
{
    public int Count => node.MemberCount;

    public JsonMember this[int index] => node.MemberAt(index);

    /// <summary>Position of the member named <paramref name="name"/>, or -1 (O(1) on wide objects, see JsonValue).</summary>
    public int IndexOf(ReadOnlySpan<byte> name) => node.MemberIndexOf(name);

    public Enumerator GetEnumerator() => new(node);

    IEnumerator<JsonMember> IEnumerable<JsonMember>.GetEnumerator()
    {
        for (int i = 0; i < node.MemberCount; i++)
        {
            yield return node.MemberAt(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<JsonMember>)this).GetEnumerator();

    /// <summary>Allocation-free enumeration for foreach over <see cref="JsonValue.Members"/>.</summary>
    public struct Enumerator(JsonValue node)
    {
        private int _position = -1;

        public readonly JsonMember Current => node.MemberAt(_position);

        public bool MoveNext() => ++_position < node.MemberCount;
    }
}
