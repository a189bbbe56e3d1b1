using Cairn.Documents.Json;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Json;

/// <summary>
/// A JSON key's value (TYPE "ReJSON-RL"): the library's mutable document tree. The memory figure is the library's
/// estimate, cached here and refreshed after each write through <see cref="Refresh"/> (O(document) per write, O(1) to read).
/// </summary>
public sealed class JsonDocumentObject : DataObject
{
    private long _memoryBytes;

    public JsonDocumentObject(JsonValue root)
    {
        Root = root;
        _memoryBytes = root.EstimateMemoryBytes();
    }

    public JsonValue Root { get; private set; }

    public override DataType Type => DataType.Json;

    /// <summary>Redis reports "raw" for module values; there is one in-memory representation.</summary>
    public override string Encoding => "raw";

    public override long MemoryUsageBytes => _memoryBytes;

    /// <summary>Always 1: a document is never an empty container that the keyspace should drop.</summary>
    public override long Length => 1;

    public override DataObject Clone() => new JsonDocumentObject(Root.DeepClone());

    /// <summary>Sets the (possibly replaced or mutated) root and moves the store's memory total by the difference.</summary>
    public void Refresh(JsonValue root, MemoryStore store)
    {
        Root = root;
        long now = root.EstimateMemoryBytes();
        store.AdjustMemory(now - _memoryBytes);
        _memoryBytes = now;
    }
}
