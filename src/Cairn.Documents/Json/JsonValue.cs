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

    private long _integer;
    private double _double;
    private byte[] _string = s_empty;
    private List<JsonValue>? _items;
    private List<JsonMember>? _members;

    private JsonValue(JsonKind kind) => Kind = kind;

    public JsonKind Kind { get; private set; }

    public static JsonValue Null() => new(JsonKind.Null);

    public static JsonValue Boolean(bool value) => new(value ? JsonKind.True : JsonKind.False);

    public static JsonValue Integer(long value) => new(JsonKind.Integer) { _integer = value };

    public static JsonValue Double(double value) => new(JsonKind.Double) { _double = value };

    public static JsonValue String(byte[] utf8) => new(JsonKind.String) { _string = utf8 };

    public static JsonValue String(string text) => String(Encoding.UTF8.GetBytes(text));

    public static JsonValue Array() => new(JsonKind.Array) { _items = [] };

    public static JsonValue Array(List<JsonValue> items) => new(JsonKind.Array) { _items = items };

    public static JsonValue Object() => new(JsonKind.Object) { _members = [] };

    public bool IsNumber => Kind is JsonKind.Integer or JsonKind.Double;

    public bool IsBoolean => Kind is JsonKind.True or JsonKind.False;

    public bool IsContainer => Kind is JsonKind.Array or JsonKind.Object;

    public bool BooleanValue => Kind == JsonKind.True;

    public long IntegerValue => _integer;

    public double DoubleValue => _double;

    /// <summary>The number as a double, whichever representation it has.</summary>
    public double NumberAsDouble => Kind == JsonKind.Integer ? _integer : _double;

    public byte[] StringBytes => _string;

    public List<JsonValue> Items => _items!;

    public List<JsonMember> Members => _members!;

    /// <summary>Number of elements or members; 0 for scalars.</summary>
    public int Count => Kind switch
    {
        JsonKind.Array => _items!.Count,
        JsonKind.Object => _members!.Count,
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

    public int IndexOfMember(ReadOnlySpan<byte> name)
    {
        var members = _members!;
        for (int i = 0; i < members.Count; i++)
        {
            if (name.SequenceEqual(members[i].Name))
            {
                return i;
            }
        }
        return -1;
    }

    public JsonValue? GetMember(ReadOnlySpan<byte> name)
    {
        if (Kind != JsonKind.Object)
        {
            return null;
        }
        int index = IndexOfMember(name);
        return index < 0 ? null : _members![index].Value;
    }

    public JsonValue? GetMember(string name) => GetMember(Encoding.UTF8.GetBytes(name));

    /// <summary>Adds or replaces a member, keeping the position of an existing one. REQUIRES Kind == Object.</summary>
    public void SetMember(byte[] name, JsonValue value)
    {
        int index = IndexOfMember(name);
        if (index >= 0)
        {
            _members![index] = new JsonMember(_members[index].Name, value);
        }
        else
        {
            _members!.Add(new JsonMember(name, value));
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
        _members!.RemoveAt(index);
        return true;
    }

    /// <summary>Turns this node into a copy of <paramref name="other"/>'s content (shallow: containers are shared, so pass a fresh value).</summary>
    public void Assign(JsonValue other)
    {
        Kind = other.Kind;
        _integer = other._integer;
        _double = other._double;
        _string = other._string;
        _items = other._items;
        _members = other._members;
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
        _items = null;
        _members = null;
        _string = s_empty;
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
                var items = new List<JsonValue>(_items!.Count);
                foreach (var item in _items)
                {
                    items.Add(item.DeepClone());
                }
                return Array(items);
            }
            case JsonKind.Object:
            {
                var copy = Object();
                copy._members!.Capacity = _members!.Count;
                foreach (var member in _members)
                {
                    copy._members.Add(new JsonMember(member.Name, member.Value.DeepClone()));
                }
                return copy;
            }
            default:
                return new JsonValue(Kind) { _integer = _integer, _double = _double, _string = _string };
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
                return _integer == other._integer;
            case JsonKind.Double:
                return _double == other._double;
            case JsonKind.String:
                return _string.AsSpan().SequenceEqual(other._string);
            case JsonKind.Array:
                if (_items!.Count != other._items!.Count)
                {
                    return false;
                }
                for (int i = 0; i < _items.Count; i++)
                {
                    if (!_items[i].DeepEquals(other._items[i]))
                    {
                        return false;
                    }
                }
                return true;
            case JsonKind.Object:
                if (_members!.Count != other._members!.Count)
                {
                    return false;
                }
                foreach (var member in _members)
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
        const long nodeBytes = 56; // object header + fields on 64-bit
        switch (Kind)
        {
            case JsonKind.String:
                return nodeBytes + (_string.Length == 0 ? 0 : 24 + _string.Length);
            case JsonKind.Array:
            {
                long total = nodeBytes + 32 + (8L * _items!.Capacity);
                foreach (var item in _items)
                {
                    total += item.EstimateMemoryBytes();
                }
                return total;
            }
            case JsonKind.Object:
            {
                long total = nodeBytes + 32 + (16L * _members!.Capacity);
                foreach (var member in _members)
                {
                    total += 24 + member.Name.Length + member.Value.EstimateMemoryBytes();
                }
                return total;
            }
            default:
                return nodeBytes;
        }
    }

    public override string ToString() => JsonWriter.ToText(this, JsonFormatOptions.Compact);
}
