using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cairn.Primitives;
using System.Text;

namespace Cairn.Documents.Json;

/// <summary>
/// A node of a parsed JSON document: the compact form a JSON key holds, so commands never re-parse text.
/// </summary>
/// <remarks>
/// Strings and member names are UTF-8 bytes. Objects keep insertion order and unique names (a later duplicate in the input
/// replaces the earlier value in place, as serde_json/ijson do). Numbers stay Integer (64-bit) or Double.
/// Memory layout (documents are many small nodes, so each byte here is paid per value): a node is one 32-byte object on
/// 64-bit, the minimum for two fields: an 8-byte slot (<see cref="_bits"/>) and one reference (<see cref="_payload"/>),
/// which also says the kind, so there is no kind field.
/// - Null, True, False: a shared <see cref="Tag"/> payload.
/// - Integer, Double: the number (a double as its bits) in the slot and a shared Tag.
/// - String of at most <see cref="InlineStringBytes"/> bytes: the bytes in the slot and the shared Tag for that length;
///   longer strings: a byte[] payload.
/// - Array: a JsonValue[] payload (capacity may exceed the count) and the count in the slot; no List wrapper.
/// - Object: a JsonMember[] payload (capacity may exceed the count) and the count in the slot. An object wider than
///   <see cref="WideObjectMembers"/> gets a name → position map, built on the first look-up and kept beside the node
///   (a ConditionalWeakTable), so narrow objects, nearly all of them, pay nothing for it.
/// Thread safety: none; a document belongs to the keyspace's single writer, readers run on the same thread.
/// Invariant: exactly the storage that matches <see cref="Kind"/> is in use; containers are never null for their kind;
/// a container's slots at and beyond the count are empty; a node's name map, when present, maps every member name to
/// its current position (dropped on removals and whenever the node changes kind or content wholesale).
/// </remarks>
public sealed class JsonValue
{
    /// <summary>Strings up to this many UTF-8 bytes live inside the node (tags, zip codes, short names, enum-like values).</summary>
    public const int InlineStringBytes = sizeof(long);

    /// <summary>Objects with more members than this find names through a map instead of a scan.</summary>
    public const int WideObjectMembers = 16;

    private static readonly byte[] s_empty = [];
    private static readonly JsonValue[] s_noItems = [];
    private static readonly JsonMember[] s_noMembers = [];
    private static readonly ConditionalWeakTable<JsonValue, Dictionary<byte[], int>> s_nameMaps = new();
    private static readonly Tag s_null = new(JsonKind.Null, 0);
    private static readonly Tag s_true = new(JsonKind.True, 0);
    private static readonly Tag s_false = new(JsonKind.False, 0);
    private static readonly Tag s_integer = new(JsonKind.Integer, 0);
    private static readonly Tag s_double = new(JsonKind.Double, 0);
    private static readonly Tag[] s_inlineStrings = InlineStringTags();

    private long _bits;
    private object _payload;

    private JsonValue(object payload) => _payload = payload;

    /// <summary>Derived from the payload's type (see the remarks): one type test, no stored field.</summary>
    public JsonKind Kind => _payload switch
    {
        Tag tag => tag.Kind,
        JsonMember[] => JsonKind.Object,
        byte[] => JsonKind.String,
        _ => JsonKind.Array,
    };

    public static JsonValue Null() => new(s_null);

    public static JsonValue Boolean(bool value) => new(value ? s_true : s_false);

    public static JsonValue Integer(long value) => new(s_integer) { _bits = value };

    public static JsonValue Double(double value) => new(s_double) { _bits = BitConverter.DoubleToInt64Bits(value) };

    /// <summary>A string node. Short strings are copied into the node; a longer array is owned by the node from now on.</summary>
    public static JsonValue String(byte[] utf8)
    {
        var node = new JsonValue(s_null);
        node.StoreString(utf8);
        return node;
    }

    public static JsonValue String(ReadOnlySpan<byte> utf8) =>
        utf8.Length <= InlineStringBytes ? InlineString(utf8) : String(utf8.ToArray());

    public static JsonValue String(string text) => String(Encoding.UTF8.GetBytes(text));

    public static JsonValue Array() => new(s_noItems);

    /// <summary>An array over a copy of <paramref name="items"/> (exactly sized: parsed documents carry no spare slots).</summary>
    public static JsonValue Array(List<JsonValue> items) => new(items.ToArray()) { _bits = items.Count };

    public static JsonValue Object() => new(s_noMembers);

    /// <summary>An object over <paramref name="members"/>. REQUIRES unique names.</summary>
    public static JsonValue Object(List<JsonMember> members) => new(members.ToArray()) { _bits = members.Count };

    public bool IsNumber => Kind is JsonKind.Integer or JsonKind.Double;

    public bool IsBoolean => Kind is JsonKind.True or JsonKind.False;

    public bool IsContainer => Kind is JsonKind.Array or JsonKind.Object;

    public bool BooleanValue => Kind == JsonKind.True;

    public long IntegerValue => Kind == JsonKind.Integer ? _bits : 0;

    public double DoubleValue => Kind == JsonKind.Double ? BitConverter.Int64BitsToDouble(_bits) : 0;

    /// <summary>The number as a double, whichever representation it has.</summary>
    public double NumberAsDouble => Kind == JsonKind.Integer ? _bits : DoubleValue;

    /// <summary>The string's bytes (a fresh copy for an inline string: prefer <see cref="StringSpan"/> on hot paths).</summary>
    public byte[] StringBytes => _payload as byte[] ?? (_payload is Tag { Kind: JsonKind.String, InlineLength: > 0 } ? StringSpan.ToArray() : s_empty);

    /// <summary>The string's bytes without copying; valid until the node is changed.</summary>
    public ReadOnlySpan<byte> StringSpan
    {
        get
        {
            if (_payload is byte[] bytes)
            {
                return bytes;
            }
            if (_payload is Tag { Kind: JsonKind.String } tag)
            {
                return MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref _bits, 1))[..tag.InlineLength];
            }
            return default;
        }
    }

    /// <summary>The elements, as a view over this node (mutations go to the node). REQUIRES Kind == Array.</summary>
    public JsonArrayItems Items => new(this);

    /// <summary>Members in insertion order. Mutate through SetMember / AddMember / RemoveMember / ClearMembers only.</summary>
    public JsonObjectMembers Members => new(this);

    private JsonObjectMembers ObjectMembers => new(this);

    internal int MemberCount => _payload is JsonMember[] ? (int)_bits : throw new InvalidOperationException("not an object");

    internal JsonMember MemberAt(int index)
    {
        if ((uint)index >= (uint)_bits)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        return ((JsonMember[])_payload)[index];
    }

    internal int MemberIndexOf(ReadOnlySpan<byte> name)
    {
        var members = (JsonMember[])_payload;
        int count = (int)_bits;
        if (count <= WideObjectMembers)
        {
            for (int i = 0; i < count; i++)
            {
                if (name.SequenceEqual(members[i].Name))
                {
                    return i;
                }
            }
            return -1;
        }
        if (!s_nameMaps.TryGetValue(this, out var map))
        {
            map = new Dictionary<byte[], int>(count, ByteArrayComparer.Instance);
            for (int i = 0; i < count; i++)
            {
                map[members[i].Name] = i;
            }
            s_nameMaps.AddOrUpdate(this, map);
        }
        return map.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out int position) ? position : -1;
    }

    private void MemberAdd(JsonMember member)
    {
        var members = (JsonMember[])_payload;
        int count = (int)_bits;
        if (count == members.Length)
        {
            var grown = new JsonMember[Math.Max(4, members.Length * 2)];
            System.Array.Copy(members, grown, count);
            members = grown;
            _payload = members;
        }
        members[count] = member;
        _bits = count + 1;
        if (count >= WideObjectMembers && s_nameMaps.TryGetValue(this, out var map))
        {
            map.Add(member.Name, count);
        }
    }

    private void MemberRemoveAt(int position)
    {
        var members = (JsonMember[])_payload;
        int count = (int)_bits;
        if ((uint)position >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(position));
        }
        count--;
        System.Array.Copy(members, position + 1, members, position, count - position);
        members[count] = default;
        _bits = count;
        s_nameMaps.Remove(this); // positions shifted: rebuilt on the next wide look-up
    }

    /// <summary>Forgets a name map before the node's content is replaced wholesale.</summary>
    private void DropNameMap()
    {
        if (_payload is JsonMember[] members && members.Length > WideObjectMembers)
        {
            s_nameMaps.Remove(this);
        }
    }

    // The count lives in the slot that scalars use for their value, so a view over the wrong kind must fail loudly.
    internal int ArrayCount => _payload is JsonValue[] ? (int)_bits : throw new InvalidOperationException("not an array");

    internal int ArrayCapacity => ((JsonValue[])_payload).Length;

    internal JsonValue ArrayGet(int index)
    {
        if ((uint)index >= (uint)_bits)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        return ((JsonValue[])_payload)[index];
    }

    internal void ArraySet(int index, JsonValue value)
    {
        if ((uint)index >= (uint)_bits)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        ((JsonValue[])_payload)[index] = value;
    }

    /// <summary>Opens a gap of <paramref name="count"/> slots at <paramref name="at"/> and returns the backing array to fill.</summary>
    internal JsonValue[] ArrayOpenGap(int at, int count)
    {
        int length = (int)_bits;
        if ((uint)at > (uint)length || count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(at));
        }
        var items = (JsonValue[])_payload;
        if (length + count > items.Length)
        {
            var grown = new JsonValue[Math.Max(length + count, Math.Max(4, items.Length * 2))];
            System.Array.Copy(items, grown, at);
            System.Array.Copy(items, at, grown, at + count, length - at);
            items = grown;
            _payload = items;
        }
        else
        {
            System.Array.Copy(items, at, items, at + count, length - at);
        }
        _bits = length + count;
        return items;
    }

    internal void ArrayRemoveRange(int from, int count)
    {
        int length = (int)_bits;
        if (from < 0 || count < 0 || from + count > length)
        {
            throw new ArgumentOutOfRangeException(nameof(from));
        }
        var items = (JsonValue[])_payload;
        System.Array.Copy(items, from + count, items, from, length - from - count);
        System.Array.Clear(items, length - count, count);
        _bits = length - count;
    }

    internal void ArrayClear()
    {
        _payload = s_noItems;
        _bits = 0;
    }

    /// <summary>Number of elements or members; 0 for scalars.</summary>
    public int Count => Kind switch
    {
        JsonKind.Array => (int)_bits,
        JsonKind.Object => (int)_bits,
        _ => 0,
    };

    /// <summary>The name JSON.TYPE replies with.</summary>
    public string TypeName => TypeNameOf(Kind);

    public static string TypeNameOf(JsonKind kind) => kind switch
    {
        JsonKind.Null => "null",
        JsonKind.True or JsonKind.False => "boolean",
        JsonKind.Integer => "integer",
        JsonKind.Double => "number",
        JsonKind.String => "string",
        JsonKind.Array => "array",
        _ => "object",
    };

    public int IndexOfMember(ReadOnlySpan<byte> name) => MemberIndexOf(name);

    public JsonValue? GetMember(ReadOnlySpan<byte> name)
    {
        if (Kind != JsonKind.Object)
        {
            return null;
        }
        int index = IndexOfMember(name);
        return index < 0 ? null : MemberAt(index).Value;
    }

    public JsonValue? GetMember(string name) => GetMember(Encoding.UTF8.GetBytes(name));

    /// <summary>Adds or replaces a member, keeping the position of an existing one. REQUIRES Kind == Object.</summary>
    public void SetMember(byte[] name, JsonValue value)
    {
        int index = MemberIndexOf(name);
        if (index >= 0)
        {
            var members = (JsonMember[])_payload;
            members[index] = new JsonMember(members[index].Name, value);
        }
        else
        {
            MemberAdd(new JsonMember(JsonNameTable.Intern(name), value));
        }
    }

    public void SetMember(string name, JsonValue value) => SetMember(Encoding.UTF8.GetBytes(name), value);

    public bool RemoveMember(ReadOnlySpan<byte> name)
    {
        int index = IndexOfMember(name);
        if (index < 0)
        {
            return false;
        }
        MemberRemoveAt(index);
        return true;
    }

    /// <summary>Appends a member known not to exist yet (parsers and decoders that already checked). REQUIRES Kind == Object.</summary>
    public void AddMember(byte[] name, JsonValue value) => MemberAdd(new JsonMember(name, value));

    /// <summary>Empties the object. REQUIRES Kind == Object.</summary>
    public void ClearMembers()
    {
        DropNameMap();
        _payload = s_noMembers;
        _bits = 0;
    }

    /// <summary>Turns this node into a copy of <paramref name="other"/>'s content (shallow: containers are shared, so pass a fresh value).</summary>
    public void Assign(JsonValue other)
    {
        DropNameMap();
        _bits = other._bits;
        _payload = other._payload;
    }

    public void SetInteger(long value)
    {
        Assign(Integer(value));
    }

    public void SetDouble(double value)
    {
        Assign(Double(value));
    }

    public void SetBoolean(bool value)
    {
        DropNameMap();
        _bits = 0;
        _payload = value ? s_true : s_false;
    }

    public void SetString(byte[] utf8)
    {
        StoreString(utf8);
    }

    private static JsonValue InlineString(ReadOnlySpan<byte> utf8)
    {
        var node = new JsonValue(s_inlineStrings[utf8.Length]);
        utf8.CopyTo(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref node._bits, 1)));
        return node;
    }

    private void StoreString(byte[] utf8)
    {
        DropNameMap();
        _bits = 0;
        if (utf8.Length <= InlineStringBytes)
        {
            utf8.CopyTo(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref _bits, 1)));
            _payload = s_inlineStrings[utf8.Length];
        }
        else
        {
            _payload = utf8;
        }
    }

    public JsonValue DeepClone()
    {
        switch (Kind)
        {
            case JsonKind.Array:
            {
                int count = (int)_bits;
                var source = (JsonValue[])_payload;
                var items = count == 0 ? s_noItems : new JsonValue[count];
                for (int i = 0; i < count; i++)
                {
                    items[i] = source[i].DeepClone();
                }
                return new JsonValue(items) { _bits = count };
            }
            case JsonKind.Object:
            {
                var source = ObjectMembers;
                var members = new List<JsonMember>(source.Count);
                foreach (var member in source)
                {
                    members.Add(new JsonMember(member.Name, member.Value.DeepClone()));
                }
                return Object(members);
            }
            default:
                // Strings share their byte[]: string payloads are never written into (SetString replaces the array).
                return new JsonValue(_payload) { _bits = _bits };
        }
    }

    /// <summary>Structural equality as JSON.ARRINDEX uses it: same kind (integer 1 is not double 1.0), objects compared by name.</summary>
    public bool DeepEquals(JsonValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }
        switch (Kind)
        {
            case JsonKind.Integer:
                return _bits == other._bits;
            case JsonKind.Double:
                return DoubleValue == other.DoubleValue;
            case JsonKind.String:
                return StringSpan.SequenceEqual(other.StringSpan);
            case JsonKind.Array:
            {
                int count = (int)_bits;
                if (count != (int)other._bits)
                {
                    return false;
                }
                var mine = (JsonValue[])_payload;
                var theirs = (JsonValue[])other._payload;
                for (int i = 0; i < count; i++)
                {
                    if (!mine[i].DeepEquals(theirs[i]))
                    {
                        return false;
                    }
                }
                return true;
            }
            case JsonKind.Object:
                if (ObjectMembers.Count != other.ObjectMembers.Count)
                {
                    return false;
                }
                foreach (var member in ObjectMembers)
                {
                    var theirs = other.GetMember(member.Name);
                    if (theirs is null || !member.Value.DeepEquals(theirs))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }

    /// <summary>
    /// Heap bytes held by this node and its descendants on 64-bit (JSON.DEBUG MEMORY, MEMORY USAGE, FT.INFO): object
    /// headers and array lengths included, sizes rounded to 8 as the GC allocates them. Member names are interned
    /// (<see cref="JsonNameTable"/>) and shared across documents, so they are not charged to any one document.
    /// </summary>
    public long EstimateMemoryBytes()
    {
        const long nodeBytes = 32; // header + method table + 8-byte slot + payload reference
        const long arrayHeaderBytes = 24; // header + method table + length
        switch (Kind)
        {
            case JsonKind.String:
                return nodeBytes + (_payload is byte[] bytes ? arrayHeaderBytes + RoundUp8(bytes.Length) : 0);
            case JsonKind.Array:
            {
                var items = (JsonValue[])_payload;
                long total = nodeBytes + (items.Length == 0 ? 0 : arrayHeaderBytes + (8L * items.Length));
                for (int i = 0; i < (int)_bits; i++)
                {
                    total += items[i].EstimateMemoryBytes();
                }
                return total;
            }
            case JsonKind.Object:
            {
                var members = (JsonMember[])_payload;
                long total = nodeBytes + (members.Length == 0 ? 0 : arrayHeaderBytes + (16L * members.Length));
                if (members.Length > WideObjectMembers && s_nameMaps.TryGetValue(this, out var map))
                {
                    total += 80 + (28L * map.Count); // dictionary object plus buckets and entries, roughly
                }
                foreach (var member in ObjectMembers)
                {
                    total += member.Value.EstimateMemoryBytes();
                }
                return total;
            }
            default:
                return nodeBytes;
        }
    }

    /// <summary>Drops spare capacity of this container (parsers and decoders call it once a container is complete).</summary>
    internal void TrimExcess()
    {
        if (Kind == JsonKind.Array)
        {
            var items = (JsonValue[])_payload;
            int count = (int)_bits;
            if (items.Length != count)
            {
                _payload = count == 0 ? s_noItems : items.AsSpan(0, count).ToArray();
            }
        }
        else if (Kind == JsonKind.Object)
        {
            var members = (JsonMember[])_payload;
            int count = (int)_bits;
            if (members.Length != count)
            {
                _payload = count == 0 ? s_noMembers : members.AsSpan(0, count).ToArray();
            }
        }
    }

    private static long RoundUp8(long bytes) => (bytes + 7) & ~7L;

    private static Tag[] InlineStringTags()
    {
        var tags = new Tag[InlineStringBytes + 1];
        for (int length = 0; length <= InlineStringBytes; length++)
        {
            tags[length] = new Tag(JsonKind.String, (byte)length);
        }
        return tags;
    }

    /// <summary>The payload of a scalar node: its kind and, for an inline string, its length. Shared, immutable.</summary>
    private sealed class Tag(JsonKind kind, byte inlineLength)
    {
        public JsonKind Kind { get; } = kind;

        public byte InlineLength { get; } = inlineLength;
    }

    public override string ToString() => JsonWriter.ToText(this, JsonFormatOptions.Compact);
}
