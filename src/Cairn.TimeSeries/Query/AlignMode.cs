namespace Cairn.TimeSeries.Query;

/// <summary>ALIGN: the reference timestamp that bucket starts are congruent to.</summary>
public enum AlignMode
{
    /// <summary>No ALIGN given: buckets align to 0.</summary>
    Zero,

    /// <summary><c>-</c> or <c>start</c>: the query's from timestamp.</summary>
    Start,

    /// <summary><c>+</c> or <c>end</c>: the query's to timestamp.</summary>
    End,

    /// <summary>An explicit timestamp.</summary>
    Timestamp,
}
