namespace Cairn.TimeSeries.Series;

/// <summary>What to do when a sample arrives for a timestamp the series already holds. Values are persisted: never renumber.</summary>
public enum DuplicatePolicy : byte
{
    Block = 1,
    First = 2,
    Last = 3,
    Min = 4,
    Max = 5,
    Sum = 6,
}
