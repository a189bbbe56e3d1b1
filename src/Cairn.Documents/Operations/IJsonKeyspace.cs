using Cairn.Documents.Json;

namespace Cairn.Documents.Operations;

/// <summary>
/// What <see cref="JsonCommandDispatcher"/> needs from a database: read a key's document, store it back, delete it.
/// The implementation checks the key's type (WRONGTYPE), bumps versions, notifies keyspace events, propagates to the AOF
/// and replicas, and calls the index registry (OnDocumentWritten / OnKeyDeleted).
/// </summary>
public interface IJsonKeyspace
{
    /// <summary>The document at <paramref name="key"/>; null if the key does not exist. Sets <paramref name="wrongType"/> when the
    /// key holds another type.</summary>
    JsonValue? GetDocument(byte[] key, out bool wrongType);

    /// <summary>Stores the (possibly mutated in place) document; called after every modifying command.</summary>
    void StoreDocument(byte[] key, JsonValue document);

    void DeleteKey(byte[] key);
}
