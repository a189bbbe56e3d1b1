namespace Cairn.Documents.Operations;

/// <summary>What a command did to the key, so the keyspace knows whether to store, delete, notify and re-index.</summary>
public enum JsonKeyEffect : byte
{
    None = 0,
    /// <summary>The document (possibly newly created) was changed: store the root, bump the version, update indexes.</summary>
    Modified = 1,
    /// <summary>The whole key must be deleted (JSON.DEL on the root).</summary>
    Deleted = 2,
}
