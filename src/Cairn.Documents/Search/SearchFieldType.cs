namespace Cairn.Documents.Search;

/// <remarks>Persisted in index definitions: never renumber.</remarks>
public enum SearchFieldType : byte
{
    Text = 0,
    Tag = 1,
    Numeric = 2,
}
