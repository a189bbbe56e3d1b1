namespace Cairn.Documents.Search.Query;

public enum QueryNodeKind : byte
{
    All = 0,
    Tag = 1,
    Numeric = 2,
    Term = 3,
    Intersect = 4,
    Union = 5,
    Not = 6,
    /// <summary>Cairn extension: the child must hold within one element of an array of objects.</summary>
    Element = 7,
}
