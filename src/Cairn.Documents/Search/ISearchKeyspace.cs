using Cairn.Documents.Json;

namespace Cairn.Documents.Search;

/// <summary>What <see cref="FtCommandDispatcher"/> needs from a database.</summary>
public interface ISearchKeyspace
{
    /// <summary>A snapshot of the names of keys holding JSON documents (for an index's initial build).</summary>
    List<byte[]> SnapshotJsonKeys();

    /// <summary>The document at a key, or null if the key is missing, expired or not JSON.</summary>
    JsonValue? GetDocument(byte[] key);

    /// <summary>False for a key that has expired but not yet been reclaimed (search results skip it).</summary>
    bool IsLive(byte[] key);

    /// <summary>Deletes a key (FT.DROPINDEX DD); the keyspace calls <see cref="SearchIndexRegistry.OnKeyDeleted"/> as for DEL.</summary>
    void DeleteKey(byte[] key);
}
