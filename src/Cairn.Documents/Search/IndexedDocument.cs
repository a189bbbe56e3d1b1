using Cairn.Documents.Json;

namespace Cairn.Documents.Search;

/// <summary>
/// The forward index of one document: what each field contributed, so a rewrite removes exactly the old postings, and
/// the planner can check a condition against a candidate without touching the document.
/// </summary>
public sealed class IndexedDocument(int id, byte[] key, JsonValue document, FieldValue[][] values)
{
    public int Id { get; } = id;

    public byte[] Key { get; } = key;

    public JsonValue Document { get; set; } = document;

    /// <summary>Per schema field, in schema order.</summary>
    public FieldValue[][] Values { get; set; } = values;
}
