namespace Cairn.Documents.Path;

public enum FilterNodeKind : byte
{
    Or = 0,
    And = 1,
    Not = 2,
    Compare = 3,
    Exists = 4,
    Literal = 5,
    RelativePath = 6,
    RootPath = 7,
}
