namespace Cairn.Documents.Path;

public enum FilterOperator : byte
{
    Equal = 0,
    NotEqual = 1,
    Less = 2,
    LessOrEqual = 3,
    Greater = 4,
    GreaterOrEqual = 5,
    RegexMatch = 6,
}
