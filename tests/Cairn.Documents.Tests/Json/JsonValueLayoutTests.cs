using System.Text;
using Cairn.Documents.Json;
using Cairn.Primitives;

namespace Cairn.Documents.Tests.Json;

/// <summary>
/// The compact node layout (inline short strings, arrays and members stored in the node, the kind read from the payload,
/// name maps for wide objects) behaves exactly like the plain model it replaced: strings, List and an ordered dictionary.
/// Random sequences print their seed on failure.
/// </summary>
public sealed class JsonValueLayoutTests
{
    [Fact]
    public void StringsOfEveryLengthAroundTheInlineLimitRoundTrip()
    {
        for (int length = 0; length <= JsonValue.InlineStringBytes + 2; length++)
        {
            string text = new string('é', length / 2) + new string('x', length % 2); // multi-byte UTF-8 too
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            var value = JsonValue.String(utf8);
            Assert.Equal(JsonKind.String, value.Kind);
            Assert.Equal(utf8, value.StringSpan.ToArray());
            Assert.Equal(utf8, value.StringBytes);
            Assert.Equal("\"" + text + "\"", value.ToString());
            Assert.True(value.DeepEquals(JsonValue.String(text)));
            Assert.True(value.DeepClone().DeepEquals(value));
        }
    }

    [Fact]
    public void ANodeChangesKindInPlaceWithoutKeepingOldContent()
    {
        var node = JsonValue.String("a much longer string than eight bytes");
        node.SetString("short"u8.ToArray());
        Assert.Equal("\"short\"", node.ToString());
        node.SetInteger(42);
        Assert.Equal(JsonKind.Integer, node.Kind);
        Assert.Equal(42, node.IntegerValue);
        Assert.Equal(0, node.StringSpan.Length);
        node.SetBoolean(false);
        Assert.Equal(JsonKind.False, node.Kind);
        node.SetDouble(2.5);
        Assert.Equal("2.5", node.ToString());
        node.Assign(JsonParser.Parse("""{"a":[1,"x"]}"""));
        Assert.Equal(JsonKind.Object, node.Kind);
        Assert.Equal("""{"a":[1,"x"]}""", node.ToString());
    }

    [Fact]
    public void ArrayItemsMatchAListUnderRandomEdits()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var random = new SeededRandom((ulong)seed);
            var array = JsonValue.Array();
            var model = new List<long>();
            for (int step = 0; step < 300; step++)
            {
                int op = random.NextInt(6);
                if (op == 0 || model.Count == 0)
                {
                    long v = random.NextInt(1000);
                    array.Items.Add(JsonValue.Integer(v));
                    model.Add(v);
                }
                else if (op == 1)
                {
                    int at = random.NextInt(model.Count + 1);
                    long v = random.NextInt(1000);
                    array.Items.Insert(at, JsonValue.Integer(v));
                    model.Insert(at, v);
                }
                else if (op == 2)
                {
                    int at = random.NextInt(model.Count + 1);
                    var values = new List<JsonValue> { JsonValue.Integer(7), JsonValue.Integer(8) };
                    array.Items.InsertRange(at, values);
                    model.InsertRange(at, [7, 8]);
                }
                else if (op == 3)
                {
                    int at = random.NextInt(model.Count);
                    array.Items.RemoveAt(at);
                    model.RemoveAt(at);
                }
                else if (op == 4)
                {
                    int from = random.NextInt(model.Count);
                    int count = random.NextInt(model.Count - from + 1);
                    array.Items.RemoveRange(from, count);
                    model.RemoveRange(from, count);
                }
                else if (random.NextInt(20) == 0)
                {
                    array.Items.Clear();
                    model.Clear();
                }
                var actual = new List<long>();
                foreach (var item in array.Items)
                {
                    actual.Add(item.IntegerValue);
                }
                Assert.True(model.SequenceEqual(actual), $"seed {seed} step {step}");
                Assert.Equal(model.Count, array.Count);
            }
        }
    }

    [Fact]
    public void WideObjectsFindMembersThroughTheirNameMapAcrossEdits()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var random = new SeededRandom((ulong)seed);
            var node = JsonValue.Object();
            var model = new List<(string Name, long Value)>();
            for (int step = 0; step < 400; step++)
            {
                string name = "field" + random.NextInt(60);
                int op = random.NextInt(10);
                int at = model.FindIndex(m => m.Name == name);
                if (op < 6)
                {
                    node.SetMember(name, JsonValue.Integer(step));
                    if (at >= 0)
                    {
                        model[at] = (name, step);
                    }
                    else
                    {
                        model.Add((name, step));
                    }
                }
                else if (op < 9)
                {
                    Assert.Equal(at >= 0, node.RemoveMember(Encoding.UTF8.GetBytes(name)));
                    if (at >= 0)
                    {
                        model.RemoveAt(at);
                    }
                }
                else if (random.NextInt(10) == 0)
                {
                    node.ClearMembers();
                    model.Clear();
                }
                // Every name, present or not, resolves as the model says (wide objects use the map).
                for (int i = 0; i < 60; i++)
                {
                    string probe = "field" + i;
                    int expected = model.FindIndex(m => m.Name == probe);
                    Assert.True(expected == node.IndexOfMember(Encoding.UTF8.GetBytes(probe)), $"seed {seed} step {step} {probe}");
                    if (expected >= 0)
                    {
                        Assert.Equal(model[expected].Value, node.GetMember(probe)!.IntegerValue);
                    }
                }
                Assert.Equal(model.Count, node.Count);
            }
        }
    }

    [Fact]
    public void AssigningOverAWideObjectForgetsItsNameMap()
    {
        var node = JsonValue.Object();
        for (int i = 0; i < 40; i++)
        {
            node.SetMember("k" + i, JsonValue.Integer(i));
        }
        Assert.Equal(39, node.GetMember("k39")!.IntegerValue); // builds the map
        var other = JsonValue.Object();
        for (int i = 0; i < 40; i++)
        {
            other.SetMember("z" + i, JsonValue.Integer(i));
        }
        node.Assign(other);
        Assert.Null(node.GetMember("k39"));
        Assert.Equal(5, node.GetMember("z5")!.IntegerValue);
        node.SetBoolean(true);
        Assert.Equal(JsonKind.True, node.Kind);
    }

    [Fact]
    public void ParsedContainersCarryNoSpareCapacity()
    {
        var value = JsonParser.Parse("""{"a":1,"b":2,"c":3,"d":4,"e":5,"tags":["x","y","z"]}""");
        // 32-byte nodes; members array 24 + 6 x 16; tags array 24 + 3 x 8; no byte[] for strings of at most 8 bytes.
        long expected = (32 + 24 + (6 * 16)) + (5 * 32) + (32 + 24 + (3 * 8)) + (3 * 32);
        Assert.Equal(expected, value.EstimateMemoryBytes());
    }
}
