using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Search;
using Cairn.Documents.Serialization;
using Cairn.Documents.Tests.Operations;

namespace Cairn.Documents.Tests.Serialization;

/// <summary>Golden-file tests freeze the durable encodings (docs/formats/json-document.md). To regenerate after a deliberate
/// format change (with a version bump), run with CAIRN_WRITE_GOLDEN=1.</summary>
public sealed class DurableFormatTests
{
    private const string GoldenDocument = """{"name":"John Doe","n":-3,"pi":3.25,"ok":true,"no":false,"nil":null,"tags":["premium","é"],"address":{"city":"New York"}}""";

    private static string GoldenPath(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Golden", name);

    private static string SourceGoldenPath(string name) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Golden", name));

    private static void AssertGolden(string name, byte[] actual)
    {
        string hex = Convert.ToHexString(actual);
        if (Environment.GetEnvironmentVariable("CAIRN_WRITE_GOLDEN") == "1")
        {
            File.WriteAllText(SourceGoldenPath(name), hex + "\n");
        }
        Assert.Equal(File.ReadAllText(GoldenPath(name)).Trim(), hex);
    }

    private static SearchIndexRegistry GoldenRegistry()
    {
        var db = new InMemoryJsonKeyspace();
        Assert.Equal("OK", db.Ft("FT.CREATE users ON JSON PREFIX 2 user: member: STOPWORDS 1 the SCHEMA $.name AS name TEXT WEIGHT 2 $.tags[*] AS tags TAG SEPARATOR ; CASESENSITIVE $.age AS age NUMERIC SORTABLE"));
        Assert.Equal("OK", db.Ft("FT.CREATE orders ON JSON SCHEMA $.items[*].sku AS sku TAG"));
        Assert.Equal("OK", db.Ft("FT.ALIASADD people users"));
        return db.Registry;
    }

    [Fact]
    public void DocumentEncodingMatchesTheGoldenFileAndRoundTrips()
    {
        var document = JsonParser.Parse(GoldenDocument);
        var encoded = JsonDocumentCodec.Encode(document);
        AssertGolden("json-document-v1.hex", encoded);
        Assert.True(JsonDocumentCodec.TryDecode(encoded, out var decoded, out int consumed, out string error), error);
        Assert.Equal(encoded.Length, consumed);
        Assert.Equal(GoldenDocument, decoded.ToString());
    }

    [Fact]
    public void RecordsDoNotDependOnTheInMemoryLayout()
    {
        // Strings either side of the inline limit, a wide object (name map) and an array edited after parsing (spare
        // capacity): the record is the same as for the freshly parsed text, and decodes back to it.
        var wide = new StringBuilder("{");
        for (int i = 0; i < 40; i++)
        {
            wide.Append(i == 0 ? "" : ",").Append("\"k").Append(i).Append("\":\"").Append(new string('v', i % 12)).Append('"');
        }
        string text = "{\"eight\":\"12345678\",\"nine\":\"123456789\",\"wide\":" + wide + "}" + ",\"list\":[1,2,3,4,5]}";
        var parsed = JsonParser.Parse(text);
        Assert.NotNull(parsed.GetMember("wide")!.GetMember("k39")); // builds the wide object's name map
        var list = parsed.GetMember("list")!.Items;
        list.Add(JsonValue.Integer(6));
        list.RemoveAt(5); // back to [1,2,3,4,5] with spare capacity
        byte[] fromEdited = JsonDocumentCodec.Encode(parsed);
        Assert.Equal(JsonDocumentCodec.Encode(JsonParser.Parse(text)), fromEdited);
        Assert.True(JsonDocumentCodec.TryDecode(fromEdited, out var decoded, out _, out string error), error);
        Assert.Equal(text, decoded.ToString());
        Assert.Equal(fromEdited, JsonDocumentCodec.Encode(decoded));
    }

    [Fact]
    public void DocumentDecodingRejectsCorruptionTruncationAndUnknownVersions()
    {
        var encoded = JsonDocumentCodec.Encode(JsonParser.Parse(GoldenDocument));
        for (int i = 0; i < encoded.Length; i++)
        {
            var corrupted = (byte[])encoded.Clone();
            corrupted[i] ^= 0x10;
            Assert.False(JsonDocumentCodec.TryDecode(corrupted, out _, out _, out _));
        }
        Assert.False(JsonDocumentCodec.TryDecode(encoded.AsSpan(0, encoded.Length - 1), out _, out _, out _));
    }

    [Fact]
    public void IndexDefinitionsMatchTheGoldenFileAndRestoreAfterRestart()
    {
        var registry = GoldenRegistry();
        var encoded = IndexDefinitionCodec.Encode(registry.Definitions(), registry.Aliases);
        AssertGolden("index-definitions-v1.hex", encoded);
        Assert.True(IndexDefinitionCodec.TryDecode(encoded, out var definitions, out var aliases, out string error), error);
        Assert.Equal(encoded, IndexDefinitionCodec.Encode(definitions, aliases));

        // Restart: documents come back from the keyspace, indexes from their definitions.
        var restarted = new InMemoryJsonKeyspace();
        Assert.Equal("OK", restarted.Run("""JSON.SET user:1 $ '{"name":"Ann","tags":["A;B"],"age":7}'"""));
        restarted.Registry.Restore(definitions, aliases, restarted.SnapshotJsonKeys, restarted.GetDocument);
        Assert.True(restarted.Registry.BackfillStep(100));
        Assert.Equal("[1, \"user:1\"]", restarted.Ft("FT.SEARCH people '@tags:{B} @age:[7 7]' NOCONTENT"));
        Assert.Equal("[0]", restarted.Ft("FT.SEARCH people '@tags:{b}' NOCONTENT"));
        var field = definitions.Single(d => d.Name == "users").Fields[1];
        Assert.Equal(';', field.Separator);
        Assert.True(field.CaseSensitive);
        Assert.Equal("$.items[*]", definitions.Single(d => d.Name == "orders").Fields[0].ElementPrefixText);
        _ = Encoding.UTF8;
    }
}
