namespace Cairn.Documents.Search.Aggregate;

public enum AggregateStepKind : byte
{
    Load = 0,
    GroupBy = 1,
    Apply = 2,
    Filter = 3,
    SortBy = 4,
    Limit = 5,
}
