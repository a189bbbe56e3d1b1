namespace Cairn.TimeSeries.Series;

/// <summary>The result of adding one sample.</summary>
public enum AddOutcome
{
    /// <summary>A new timestamp was stored.</summary>
    Added,

    /// <summary>An existing timestamp's value was resolved by the duplicate policy (LAST, MIN, MAX, SUM).</summary>
    Updated,

    /// <summary>The sample was dropped without error: FIRST kept the old value, or IGNORE judged it a duplicate.</summary>
    Ignored,

    /// <summary>The duplicate policy is BLOCK and the timestamp exists.</summary>
    Blocked,

    /// <summary>The timestamp is older than the retention window allows.</summary>
    TooOld,
}
