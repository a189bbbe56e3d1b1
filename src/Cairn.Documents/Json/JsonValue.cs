using System.Text;

namespace Cairn.Documents.Json;

/// <summary>
/// A node of a parsed JSON document: the compact form a JSON key holds, so commands never re-parse text.
/// </summary>
/// <remarks>
/// Strings and member names are UTF-8 bytes. Objects keep insertion order and unique names (a later duplicate in the input
/// replaces the earlier value in place, as serde_json/ijson do). Numbers stay Integer (64-bit) or Double.
/// Thread safety: none; a document belongs to the keyspace's single writer, readers run on the same thread.
/// Invariant: exactly the storage field that matches <see cref="Kind"/> is in use; containers are never null for their kind.
/// </remarks>
public sealed class JsonValue
{
    private static readonly byte[] s_empty = [];

    // One 8-byte slot for either number (double stored as its bits) and one reference for the string bytes or the container,
    // so a node is 40 bytes on 64-bit instead of 64: documents are many small nodes.
    private long _bits;
    private object? _payload;

    private JsonValue(JsonKind kind) => Kind = kind;

    public JsonKind Kind { get; private set; }

    public static JsonValue Null() => new(JsonKind.Null);

    public static JsonValue Boolean(bool value) => new(value ? JsonKind.True : JsonKind.False);

    public static JsonValue Integer(long value) => new(JsonKind.Integer) { _bits = value };

    public static JsonValue Double(double value) => new(JsonKind.Double) { _bits = BitConverter.DoubleToInt64Bits(value) };

    public static JsonValue String(byte[] utf8) => new(JsonKind.String) { _payload = utf8 };

    public static JsonValue String(string text) => String(Encoding.UTF8.GetBytes(text));

    public static JsonValue Array() => new(JsonKind.Array) { _payload = new List<JsonValue>() };

    public static JsonValue Array(List<JsonValue> items) => new(JsonKind.Array) { _payload = items };

    public static JsonValue Object() => new(JsonKind.Object) { _payload = new JsonObjectMembers([]) };

    /// <summary>An object over <paramref name="members"/>. REQUIRES unique names; the list is owned by the node from now on.</summary>
    public static JsonValue Object(List<JsonMember> members) => new(JsonKind.Object) { _payload = new JsonObjectMembers(members) };

    public bool IsNumber => Kind is JsonKind.Integer or JsonKind.Double;

    public bool IsBoolean => Kind is JsonKind.True or JsonKind.False;

    public bool IsContainer => Kind is JsonKind.Array or JsonKind.Object;

    public bool BooleanValue => Kind == JsonKind.True;

    public long IntegerValue => Kind == JsonKind.Integer ? _bits : 0;

    public double DoubleValue => Kind == JsonKind.Double ? BitConverter.Int64BitsToDouble(_bits) : 0;

    /// <summary>The number as a double, whichever representation it has.</summary>
    public double NumberAsDouble => Kind == JsonKind.Integer ? _bits : DoubleValue;

    public byte[] StringBytes => _payload as byte[] ?? s_empty;

    public List<JsonValue> Items => (List<JsonValue>)_payload!;

    /// <summary>Members in insertion order. Mutate through SetMember / AddMember / RemoveMember / ClearMembers only.</summary>
    public IReadOnlyList<JsonMember> Members => ObjectMembers.List;

    private JsonObjectMembers ObjectMembers => (JsonObjectMembers)_payload!;

    /// <summary>Number of elements or members; 0 for scalars.</summary>
    public int Count => Kind switch
    {
        JsonKind.Array => Items.Count,
        JsonKind.Object => Members.Count,
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

    public int IndexOfMember(ReadOnlySpan<byte> name) => ObjectMembers.IndexOf(name);

    public JsonValue? GetMember(ReadOnlySpan<byte> name)
    {
        if (Kind != JsonKind.Object)
        {
            return null;
        }
        int index = IndexOfMember(name);
        return index < 0 ? null : Members[index].Value;
    }

    public JsonValue? GetMember(string name) => GetMember(Encoding.UTF8.GetBytes(name));

    /// <summary>Adds or replaces a member, keeping the position of an existing one. REQUIRES Kind == Object.</summary>
    public void SetMember(byte[] name, JsonValue value)
    {
        var members = ObjectMembers;
        int index = members.IndexOf(name);
        if (index >= 0)
        {
            members.Replace(index, value);
        }
        else
        {
            members.Add(new JsonMember(JsonNameTable.Intern(name), value));
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
        ObjectMembers.RemoveAt(index);
        return true;
    }

    /// <summary>Appends a member known not to exist yet (parsers and decoders that already checked). REQUIRES Kind == Object.</summary>
    public void AddMember(byte[] name, JsonValue value) => ObjectMembers.Add(new JsonMember(name, value));

    public void ClearMembers() => ObjectMembers.Clear();

    /// <summary>Turns this node into a copy of <paramref name="other"/>'s content (shallow: containers are shared, so pass a fresh value).</summary>
    public void Assign(JsonValue other)
    {
        Kind = other.Kind;
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
        Kind = value ? JsonKind.True : JsonKind.False;
        _bits = 0;
        _payload = null;
    }

    public void SetString(byte[] utf8)
    {
        Assign(String(utf8));
    }

    public JsonValue DeepClone()
    {
        switch (Kind)
        {
            case JsonKind.Array:
            {
                var source = Items;
                var items = new List<JsonValue>(source.Count);
                foreach (var item in source)
                {
                    items.Add(item.DeepClone());
                }
                return Array(items);
            }
            case JsonKind.Object:
            {
                var source = Members;
                var members = new List<JsonMember>(source.Count);
                foreach (var member in source)
                {
                    members.Add(new JsonMember(member.Name, member.Value.DeepClone()));
                }
                return Object(members);
            }
            default:
                return new JsonValue(Kind) { _bits = _bits, _payload = _payload };
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
                return StringBytes.AsSpan().SequenceEqual(other.StringBytes);
            case JsonKind.Array:
            {
                var mine = Items;
                var theirs = other.Items;
                if (mine.Count != theirs.Count)
                {
                    return false;
                }
                for (int i = 0; i < mine.Count; i++)
                {
                    if (!mine[i].DeepEquals(theirs[i]))
                    {
                        return false;
                    }
                }
                return true;
            }
            case JsonKind.Object:
                if (Members.Count != other.Members.Count)
                {
                    return false;
                }
                foreach (var member in Members)
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

    /// <summary>Approximate heap bytes held by this node and its descendants (JSON.DEBUG MEMORY, FT.INFO).</summary>
    public long EstimateMemoryBytes()
    {
        const long nodeBytes = 40; // object header + kind + 8-byte number slot + payload reference on 64-bit
        switch (Kind)
        {
            case JsonKind.String:
                return nodeBytes + (StringBytes.Length == 0 ? 0 : 24 + StringBytes.Length);
            case JsonKind.Array:
            {
                long total = nodeBytes + 32 + (8L * Items.Capacity);
                foreach (var item in Items)
                {
                    total += item.EstimateMemoryBytes();
                }
                return total;
            }
            case JsonKind.Object:
            {
                long total = nodeBytes + 48 + (16L * ObjectMembers.List.Capacity);
                foreach (var member in Members)
                {
                    total += member.Value.EstimateMemoryBytes(); // names are interned (JsonNameTable) and shared
                }
                return total;
            }
            default:
                return nodeBytes;
        }
    }

    public override string ToString() => JsonWriter.ToText(this, JsonFormatOptions.Compact);
}
