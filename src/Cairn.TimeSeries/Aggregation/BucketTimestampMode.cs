namespace Cairn.TimeSeries.Aggregation;

/// <summary>BUCKETTIMESTAMP: which instant of a bucket its reported sample carries.</summary>
public enum BucketTimestampMode
{
    /// <summary><c>-</c> (default): the bucket's start.</summary>
    Start,

    /// <summary><c>+</c>: the bucket's end (start + duration).</summary>
    End,

    /// <summary><c>~</c>: the middle (start + duration / 2).</summary>
    Mid,
}
