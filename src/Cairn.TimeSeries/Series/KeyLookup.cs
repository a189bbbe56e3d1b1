namespace Cairn.TimeSeries.Series;

/// <summary>What a key holds, as far as TS.* commands care.</summary>
public enum KeyLookup
{
    Missing,
    Series,

    /// <summary>The key holds another type: the command layer replies WRONGTYPE.</summary>
    WrongType,
}
