namespace Cairn.Documents.Path;

/// <summary>What one JSONPath segment selects from the node(s) it is applied to.</summary>
public enum PathSelectorKind : byte
{
    Name = 0,
    Wildcard = 1,
    Indexes = 2,
    Slice = 3,
    Filter = 4,
    Names = 5,
}
